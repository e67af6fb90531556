import path from 'node:path';
import { PodmapError } from '../errors.ts';
import { decodePathSegments } from '../http/decode-path-segments.ts';
import { isSafeRelativePath } from './is-safe-relative-path.ts';

/**
 * Turns the URL-encoded remainder of a request path into a file path inside `root`, or throws
 * PODMAP_ERR_BAD_PATH. The segments are decoded and checked by decodePathSegments(), the same
 * guard the CDN uses, and the decoded path by isSafeRelativePath(), the rule for stored files,
 * so `..`, `%2e%2e`, `%2f`, backslashes, NUL and over-long paths are refused rather than
 * normalised.
 */
export function resolveInside(root: string, encodedPath: string): string {
  const segments = decodePathSegments(`/${encodedPath}`);
  // The folder itself (no segments) is let through: it is not a file, so it answers 404.
  if (segments.length > 0 && !isSafeRelativePath(segments.join('/')))
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'not a file path podmap serves');
  const resolved = path.resolve(root, ...segments);
  // Defence in depth: whatever the checks above missed, never answer outside the root.
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'outside root');
  }
  return resolved;
}
