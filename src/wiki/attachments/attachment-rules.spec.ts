import { checkMediaType, cleanFilename, downloadHeaders, normaliseMediaType, servingOf, type DownloadedFile } from './attachment-rules.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

function file(overrides: Partial<DownloadedFile> = {}): DownloadedFile {
  return { filename: 'a.png', mediaType: 'image/png', size: 3, sha256: 'f'.repeat(64), ...overrides };
}

describe('cleanFilename', () => {
  it.each([
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['  spaced name.txt ', 'spaced name.txt'],
    ['tab\there.txt', 'tabhere.txt'],
    ['cafe\u0301.txt', 'café.txt'],
    ['..', ''],
    ['dir/', ''],
  ])('%j becomes %j', (raw, clean) => {
    expect(cleanFilename(raw)).toBe(clean);
  });
});

describe('checkMediaType', () => {
  it('keeps a declared type the bytes confirm', async () => {
    expect(await checkMediaType(PNG, 'image/png')).toEqual({ mediaType: 'image/png', declared: 'image/png', corrected: false });
  });

  it('stores the detected type when the declaration disagrees', async () => {
    expect(await checkMediaType(GIF, 'image/png')).toMatchObject({ mediaType: 'image/gif', corrected: true });
    expect(await checkMediaType(PDF, 'application/octet-stream')).toMatchObject({ mediaType: 'application/pdf', corrected: true });
  });

  it('refuses an image claim the bytes do not back up', async () => {
    expect(await checkMediaType(HTML, 'image/png')).toMatchObject({ mediaType: 'application/octet-stream', corrected: true });
  });

  it('keeps text types, which have no magic bytes, and a precise XML type', async () => {
    expect((await checkMediaType(Buffer.from('a,b\n1,2\n'), 'text/csv; charset=utf-8')).mediaType).toBe('text/csv');
    expect((await checkMediaType(HTML, 'text/html')).mediaType).toBe('text/html');
    const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>');
    expect((await checkMediaType(svg, 'image/svg+xml')).mediaType).toBe('image/svg+xml');
  });

  it('turns a malformed declaration into octet-stream', () => {
    expect(normaliseMediaType('not a type')).toBe('application/octet-stream');
    expect(normaliseMediaType(undefined)).toBe('application/octet-stream');
    expect(normaliseMediaType('Image/PNG')).toBe('image/png');
  });
});

describe('servingOf', () => {
  it.each(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])('shows %s inline', (type) => {
    expect(servingOf(type)).toEqual({ contentType: type, disposition: 'inline' });
  });

  it.each(['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/javascript', 'text/javascript', 'application/x-unknown'])(
    'downloads the active or unknown type %s as octet-stream',
    (type) => {
      expect(servingOf(type)).toEqual({ contentType: 'application/octet-stream', disposition: 'attachment' });
    },
  );

  it.each(['application/pdf', 'text/plain', 'video/mp4'])('downloads the passive type %s under its own name', (type) => {
    expect(servingOf(type)).toEqual({ contentType: type, disposition: 'attachment' });
  });
});

describe('downloadHeaders', () => {
  it('sends nosniff, a sandbox CSP, the length and the sha256 ETag', () => {
    const headers = downloadHeaders(file({ size: 1234 }));
    expect(headers).toMatchObject({
      'Content-Type': 'image/png',
      'Content-Length': '1234',
      'Content-Disposition': 'inline; filename=a.png',
      'X-Content-Type-Options': 'nosniff',
      ETag: `"${'f'.repeat(64)}"`,
    });
    expect(headers['Content-Security-Policy']).toContain("default-src 'none'");
    expect(headers['Content-Security-Policy']).toContain('sandbox');
  });

  it('encodes names outside ASCII as RFC 6266 filename* with an ASCII fallback', () => {
    const headers = downloadHeaders(file({ filename: 'Übersicht 2024.html', mediaType: 'text/html' }));
    expect(headers['Content-Type']).toBe('application/octet-stream');
    expect(headers['Content-Disposition']).toBe(`attachment; filename="?bersicht 2024.html"; filename*=UTF-8''%C3%9Cbersicht%202024.html`);
  });

  it('quotes a name that would break the header', () => {
    expect(downloadHeaders(file({ filename: 'a"b; c.txt', mediaType: 'text/plain' }))['Content-Disposition']).toBe('attachment; filename="a\\"b; c.txt"');
  });
});
