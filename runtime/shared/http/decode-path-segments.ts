import { PodmapError } from '../errors.ts';
import { findPathSegmentProblem, MAX_FILE_PATH_LENGTH, MAX_FILE_PATH_SEGMENTS } from '../files/find-path-segment-problem.ts';

/**
 * Room in a request path for what addresses a file on the CDN, "/-/map/podlet/<name>@<version>/"
 * at most: 486 characters with a name of MAX_PACKAGE_NAME_LENGTH and a version of 256.
 */
const ADDRESS_ROOM = 1024;

/**
 * The longest request path read, in characters as sent: room for the CDN's address of a file
 * and a file path of MAX_FILE_PATH_LENGTH characters, each percent-encoded (a character of the
 * Basic Multilingual Plane is at most three UTF-8 bytes, nine characters encoded). Longer
 * targets cannot name a file podmap stores, so they are refused before anything is decoded.
 */
export const MAX_REQUEST_PATH_LENGTH = ADDRESS_ROOM + 9 * MAX_FILE_PATH_LENGTH;

/** The most segments of a request path: a file path's MAX_FILE_PATH_SEGMENTS after "<kind>/@<scope>/<name>@<version>". */
export const MAX_REQUEST_PATH_SEGMENTS = MAX_FILE_PATH_SEGMENTS + 3;

/**
 * Splits the path of a request target into decoded segments, or throws PODMAP_ERR_BAD_PATH.
 * This is the CDN's guard against leaving a package root, so it refuses rather than normalises:
 * every segment must pass findPathSegmentProblem once decoded (no "." or ".." segments, also
 * percent-encoded; no encoded or literal "/" and "\" inside a segment; no NUL or other control
 * characters; no empty segments, as in "//"), and malformed percent-encoding, absolute-form
 * targets ("http://host/…"), paths longer than MAX_REQUEST_PATH_LENGTH and paths of more than
 * MAX_REQUEST_PATH_SEGMENTS segments are refused. The query string is ignored. Callers check the
 * file part against the file-path limits (isSafeRelativePath).
 */
export function decodePathSegments(target: string): string[] {
  const path = target.split('?', 1)[0]!.split('#', 1)[0]!;
  if (path.length > MAX_REQUEST_PATH_LENGTH) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'path too long');
  if (!path.startsWith('/')) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'not an origin-form path');
  if (path === '/') return [];
  const raw = path.slice(1).split('/');
  if (raw.length > MAX_REQUEST_PATH_SEGMENTS) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'too many segments');
  return raw.map(decodeSegment);
}

function decodeSegment(raw: string): string {
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'malformed percent-encoding');
  }
  // After decoding, a separator inside a segment can only have come from %2f or %5c: refusing it
  // keeps one URL segment equal to one folder level on every platform.
  const problem = findPathSegmentProblem(segment);
  if (problem !== null) throw new PodmapError('PODMAP_ERR_BAD_PATH', problem);
  return segment;
}
