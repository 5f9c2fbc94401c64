/**
 * Returns `target` when it is a same-site relative path, otherwise `fallback`.
 * Refuses scheme-relative (`//evil`), backslash tricks (`/\evil`) and control characters.
 */
export function safeRedirectPath(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2048) return fallback;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
  return target;
}
