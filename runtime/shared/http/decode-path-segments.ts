import { PodmapError } from '../errors.ts';

/** The longest request path the CDN reads, in characters; npm names stop at 214. */
export const maxPathLength = 1024;
const maxSegments = 64;

/**
 * Splits the path of a request target into decoded segments, or throws PODMAP_ERR_BAD_PATH.
 * This is the CDN's guard against leaving a package root, so it refuses rather than normalises:
 * "." and ".." segments (also percent-encoded), encoded or literal "/" and "\" inside a segment,
 * NUL and other control characters, empty segments ("//", which would make an absolute path
 * once joined), malformed percent-encoding, absolute-form targets ("http://host/…") and paths
 * longer than `maxPathLength`. The query string is ignored.
 */
export function decodePathSegments(target: string): string[] {
  const path = target.split('?', 1)[0]!.split('#', 1)[0]!;
  if (path.length > maxPathLength) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'path too long');
  if (!path.startsWith('/')) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'not an origin-form path');
  if (path === '/') return [];
  const raw = path.slice(1).split('/');
  if (raw.length > maxSegments) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'too many segments');
  return raw.map(decodeSegment);
}

function decodeSegment(raw: string): string {
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'malformed percent-encoding');
  }
  if (segment === '' || segment === '.' || segment === '..') {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'empty, "." or ".." segment');
  }
  // After decoding, a separator inside a segment can only have come from %2f or %5c: refusing it
  // keeps one URL segment equal to one folder level on every platform.
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(segment)) {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'separator or control character in a segment');
  }
  return segment;
}
