import path from 'node:path';
import { PodmapError } from './errors.ts';

const MAX_PATH_LENGTH = 1024;

/**
 * Turns the URL-encoded remainder of a request path into a file path inside `root`, or throws
 * PODMAP_ERR_BAD_PATH. Checked before and after decoding, because `%2e%2e` and `%2f` only
 * become `..` and `/` once decoded; backslashes and NUL are refused outright (Windows
 * separators, C-string truncation).
 */
export function resolveInside(root: string, encodedPath: string): string {
  if (encodedPath.length > MAX_PATH_LENGTH) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'path too long');
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'malformed percent-encoding');
  }
  if (/[\\\0]/.test(decoded) || /%2f|%5c/i.test(encodedPath)) {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'encoded separator, backslash or NUL');
  }
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.') || decoded.startsWith('/')) {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'dot segment or absolute path');
  }
  const resolved = path.resolve(root, decoded);
  // Defence in depth: whatever the checks above missed, never answer outside the root.
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'outside root');
  }
  return resolved;
}
