import { CallHandler, ExecutionContext, HttpException, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UserInputError } from '../../users/user-input.error.js';
import { AttachmentTooLargeError, type IncomingFile } from './attachment.types.js';

export const UPLOAD_FIELD = 'files';
/** Files per upload; each is held in memory until the transaction commits. */
export const MAX_FILES_PER_UPLOAD = 10;

const refusals = new WeakMap<Request, UserInputError>();

/**
 * Reads a multipart upload into memory with ATRIUM_ATTACHMENT_MAX_MB per file. multer stops
 * at a limit and drains the rest; the request then goes on to the handler marked, so the form
 * is shown again with the reason instead of a bare error page (see uploadedFiles()).
 */
@Injectable()
export class AttachmentUploadInterceptor implements NestInterceptor {
  private readonly upload: NestInterceptor;
  private readonly maxMb: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxMb = config.attachmentMaxMb;
    const Upload = FilesInterceptor(UPLOAD_FIELD, MAX_FILES_PER_UPLOAD, {
      limits: { fileSize: config.attachmentMaxMb * 1024 * 1024, files: MAX_FILES_PER_UPLOAD, fields: 20, fieldSize: 16 * 1024 },
      // Browsers send file names as raw UTF-8; multer would read them as Latin-1.
      defParamCharset: 'utf8',
    });
    this.upload = new Upload();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.upload.intercept(context, next);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (!(error instanceof HttpException)) throw error;
      const req = context.switchToHttp().getRequest<Request>();
      if (code === 'LIMIT_FILE_SIZE') refusals.set(req, new AttachmentTooLargeError(this.maxMb));
      else if (code === 'LIMIT_FILE_COUNT') refusals.set(req, new UserInputError({ files: `Attach at most ${MAX_FILES_PER_UPLOAD} files at once. Nothing was uploaded.` }));
      else throw error;
      return next.handle();
    }
  }
}

/** The files of an upload; the refusal when multer stopped at a limit. */
export function uploadedFiles(req: Request, files: IncomingFile[] | undefined): IncomingFile[] {
  const refusal = refusals.get(req);
  if (refusal) throw refusal;
  return files ?? [];
}
