import { UserInputError } from '../../users/user-input.error.js';

/** A file as multer hands it over (memory storage). */
export interface IncomingFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** An attachment with its current version, as lists show it. */
export interface AttachmentRow {
  id: string;
  filename: string;
  version: number;
  mediaType: string;
  size: number;
  createdBy: string | null;
  updatedAt: Date;
  uploaderName: string | null;
}

export interface AttachmentVersionRow {
  attachmentId: string;
  version: number;
  mediaType: string;
  size: number;
  comment: string;
  createdAt: Date;
  uploaderName: string | null;
}

/** One version's bytes and what the response needs to describe them. */
/** One stored version of an attachment, without its bytes (read them with AttachmentService.readChunks). */
export interface AttachmentContent {
  attachmentId: string;
  filename: string;
  version: number;
  mediaType: string;
  size: number;
  sha256: string;
}

/** A file over ATRIUM_ATTACHMENT_MAX_MB: answered with 413 and the upload form. */
export class AttachmentTooLargeError extends UserInputError {
  constructor(maxMb: number, filename?: string) {
    super({ files: `${filename ? `"${filename}" is` : 'A file is'} larger than the limit of ${maxMb} MB. Nothing was uploaded.` });
  }
}
