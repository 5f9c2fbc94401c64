import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { UserInputError } from '../../users/user-input.error.js';
import { MAX_METADATA_BYTES, METADATA_TOO_LARGE } from './idp-metadata.parser.js';

const UploadInterceptor = FileInterceptor('metadataFile', {
  limits: { fileSize: MAX_METADATA_BYTES + 1, fieldSize: MAX_METADATA_BYTES + 1, files: 1 },
});
const tooLarge = new WeakSet<Request>();

/**
 * Reads a metadata upload (multipart, field `metadataFile`) with a size cap. multer stops at
 * the cap and drains the rest; instead of a bare 413 page, the request goes on to the handler
 * marked, so the form can be shown again with the reason (see uploadedMetadata()).
 */
@Injectable()
export class MetadataUploadInterceptor implements NestInterceptor {
  private readonly upload = new UploadInterceptor();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.upload.intercept(context, next);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (!(error instanceof HttpException) || (code !== 'LIMIT_FILE_SIZE' && code !== 'LIMIT_FIELD_VALUE')) throw error;
      tooLarge.add(context.switchToHttp().getRequest<Request>());
      return next.handle();
    }
  }
}

/** The uploaded file's bytes, if any; a form error when the upload was over the cap. */
export function uploadedMetadata(req: Request, file: { buffer: Buffer } | undefined): Buffer | undefined {
  if (tooLarge.has(req)) throw new UserInputError({ metadata: METADATA_TOO_LARGE });
  return file?.buffer;
}
