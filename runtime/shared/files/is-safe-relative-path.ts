import { findPathSegmentProblem, MAX_FILE_PATH_LENGTH, MAX_FILE_PATH_SEGMENTS } from './find-path-segment-problem.ts';

/**
 * Whether `path` ("a/b.js") may become a file inside a version folder: "/"-separated, at most
 * MAX_FILE_PATH_LENGTH characters and MAX_FILE_PATH_SEGMENTS segments, every segment passing
 * findPathSegmentProblem (no empty, "." or ".." segment, no backslash, NUL or other control
 * character, so not absolute). decodePathSegments applies the same rule to URLs, so every stored
 * file has a URL. Tarball entries and folder walks are checked with it before anything is written.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_FILE_PATH_LENGTH) return false;
  const segments = path.split('/');
  return segments.length <= MAX_FILE_PATH_SEGMENTS && segments.every((segment) => findPathSegmentProblem(segment) === null);
}
