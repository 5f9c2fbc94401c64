import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachment bytes stored out of line and uncompressed: downloads read them in pieces
 * (substring), which then fetches only the pieces asked for, where a compressed value would be
 * decompressed from its start for every piece. Most attachments (images, PDFs, archives) do not
 * compress anyway. Applies to versions written from now on.
 */
export class AttachmentStorage1764806400000 implements MigrationInterface {
  name = 'AttachmentStorage1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attachment_versions ALTER COLUMN data SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attachment_versions ALTER COLUMN data SET STORAGE EXTENDED`);
  }
}
