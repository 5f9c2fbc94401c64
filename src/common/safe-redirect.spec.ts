import { safeRedirectPath } from './safe-redirect.js';

describe('safeRedirectPath', () => {
  it.each([
    '/',
    '/admin/users?q=jane&page=2',
    '/pages/viewpage.action?pageId=42#comments',
    '/a//b',
    '/%2F%2Fevil.example',
    `/${'a'.repeat(2047)}`,
  ])('keeps the same-site path %s', (target) => {
    expect(safeRedirectPath(target)).toBe(target);
  });

  it.each([
    ['nothing', undefined],
    ['a number', 42],
    ['an array', ['/admin']],
    ['an empty string', ''],
    ['an absolute URL', 'https://evil.example/'],
    ['a plain http URL', 'http://evil.example'],
    ['a scheme-relative URL', '//evil.example/path'],
    ['a backslash after the slash', '/\\evil.example'],
    ['a backslash anywhere', '/ok\\..\\evil'],
    ['a relative path', 'admin/users'],
    ['a leading space', ' /admin'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a newline (header splitting)', '/admin\r\nSet-Cookie: x=1'],
    ['a tab', '/ad\tmin'],
    ['a NUL', '/admin\u0000'],
    ['a DEL', '/admin\u007f'],
    ['a path over 2048 characters', `/${'a'.repeat(2048)}`],
  ])('refuses %s and falls back to /', (_what, target) => {
    expect(safeRedirectPath(target)).toBe('/');
  });

  it('uses the given fallback', () => {
    expect(safeRedirectPath('//evil.example', '/login')).toBe('/login');
    expect(safeRedirectPath('/admin', '/login')).toBe('/admin');
  });
});
