/**
 * Whether `path` ("a/b.js") may become a file inside a version folder: "/"-separated, no empty,
 * "." or ".." segment, no backslash, NUL or other control character, not absolute, at most 512
 * characters. The same rules decodePathSegments applies to URLs, so every stored file has a URL.
 * Tarball entries and folder walks are checked with it before anything is written.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 512) return false;
  return path.split('/').every(
    // eslint-disable-next-line no-control-regex
    (segment) => segment !== '' && segment !== '.' && segment !== '..' && !/[\\\u0000-\u001f\u007f]/.test(segment),
  );
}
