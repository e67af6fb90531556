/** The longest relative file path podmap stores or serves ("a/b.js"), in characters once decoded. */
export const MAX_FILE_PATH_LENGTH = 512;

/** The most segments such a path may have ("a/b.js" has two). */
export const MAX_FILE_PATH_SEGMENTS = 64;

/**
 * Why `segment` cannot be one folder level of a file path, or null when it can: it must not be
 * empty (which would make an absolute path once joined), "." or "..", nor hold "/" or "\" (a
 * separator on some platform: one segment must stay one folder level everywhere), NUL or another
 * control character. The one segment rule for file paths podmap stores (isSafeRelativePath) and
 * request paths it serves (decodePathSegments), so every stored file has a URL.
 */
export function findPathSegmentProblem(segment: string): string | null {
  if (segment === '' || segment === '.' || segment === '..') return 'empty, "." or ".." segment';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[/\\\u0000-\u001f\u007f]/.test(segment)) return 'separator or control character in a segment';
  return null;
}
