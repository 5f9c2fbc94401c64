import { create as contentDisposition } from 'content-disposition';
import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';

export const MAX_FILENAME = 255;
export const OCTET_STREAM = 'application/octet-stream';

/** Raster images a browser shows without running anything: the only types served inline. */
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Types that keep their name when downloaded: none of them runs script in a browser. Everything
 * else (HTML, SVG, XML, JavaScript, anything unknown) goes out as application/octet-stream.
 */
const PASSIVE_TYPES = new Set([
  'text/plain',
  'text/csv',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-tar',
  'application/x-7z-compressed',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'image/bmp',
  'image/tiff',
  'image/avif',
  'image/heic',
]);
const PASSIVE_PREFIXES = ['audio/', 'video/'];

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The name an upload is stored under: the last path segment (old browsers send the full
 * path), NFC-normalised, without control characters. Empty when nothing usable is left.
 */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const name = base.normalize('NFC').replace(/\p{Cc}/gu, '').trim();
  return name === '.' || name === '..' ? '' : name;
}

/** The declared type without parameters, or octet-stream when it is not a media type at all. */
export function normaliseMediaType(declared: string | undefined): string {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : OCTET_STREAM;
}

export interface CheckedType {
  /** What we store and serve from: the bytes' type when they tell, else the declared one. */
  mediaType: string;
  declared: string;
  /** The declared type disagreed with the bytes and was replaced. */
  corrected: boolean;
}

/**
 * Checks an upload's declared type against its magic bytes (file-type). The bytes win when
 * they say something. When they say nothing but the browser claimed a type that has magic
 * bytes (a "PNG" that is really HTML), the claim is a lie and the file becomes octet-stream.
 */
export async function checkMediaType(bytes: Buffer, declaredType: string | undefined): Promise<CheckedType> {
  const declared = normaliseMediaType(declaredType);
  const detected = await fileTypeFromBuffer(bytes);
  let mediaType: string;
  if (detected) {
    // file-type calls every XML document application/xml; keep a more precise XML claim (SVG).
    const preciseXml = detected.mime === 'application/xml' && (declared.endsWith('+xml') || declared === 'text/xml');
    mediaType = preciseXml ? declared : detected.mime;
  } else {
    mediaType = supportedMimeTypes.has(declared) ? OCTET_STREAM : declared;
  }
  return { mediaType, declared, corrected: mediaType !== declared };
}

export interface Serving {
  contentType: string;
  disposition: 'inline' | 'attachment';
}

/** How a stored type is sent: raster images inline, the rest downloaded, active types neutered. */
export function servingOf(mediaType: string): Serving {
  if (INLINE_IMAGES.has(mediaType)) return { contentType: mediaType, disposition: 'inline' };
  const passive = PASSIVE_TYPES.has(mediaType) || PASSIVE_PREFIXES.some((p) => mediaType.startsWith(p));
  return { contentType: passive ? mediaType : OCTET_STREAM, disposition: 'attachment' };
}

export interface DownloadedFile {
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/**
 * Response headers for one attachment version. nosniff keeps browsers from guessing a
 * script out of the bytes; the sandbox CSP disarms anything opened directly anyway.
 * RFC 6266 Content-Disposition, with filename* for names outside ISO-8859-1.
 */
export function downloadHeaders(file: DownloadedFile): Record<string, string> {
  const serving = servingOf(file.mediaType);
  return {
    'Content-Type': serving.contentType,
    'Content-Length': String(file.size),
    'Content-Disposition': contentDisposition(file.filename, { type: serving.disposition }),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    ETag: `"${file.sha256}"`,
    // Who may read it depends on the session: never in shared caches; revalidate by ETag.
    'Cache-Control': 'private, no-cache',
  };
}
