import { PodmapError } from '../../shared/errors.ts';
import { decodePathSegments } from '../../shared/http/decode-path-segments.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import { parseVersionRef, type VersionRef } from '../store/parse-version-ref.ts';
import { validatePackageName } from '../store/validate-package-name.ts';
import { packageKinds, type PackageKind } from '../../shared/cdn-protocol/types.ts';

/** What a request path addresses; see the URL table in docs/cdn.md. */
export type CdnRoute =
  | { resource: 'file'; kind: PackageKind; name: string; ref: VersionRef; file: string }
  | { resource: 'version-root'; kind: PackageKind; name: string; ref: VersionRef }
  | { resource: 'package-info'; kind: PackageKind; name: string }
  | { resource: 'version-info'; kind: PackageKind; name: string; ref: VersionRef }
  | { resource: 'package-map'; kind: PackageKind; name: string; ref: VersionRef }
  | { resource: 'shaken' };

/**
 * Parses a request target into a route, validating every part on the way: the path
 * (decodePathSegments), the name (validatePackageName), the version (parseVersionRef) and the
 * file (isSafeRelativePath).
 * Throws PODMAP_ERR_NOT_FOUND for paths outside the URL scheme and the 400 codes for malformed
 * parts. Pure; the server calls it before anything touches the disk.
 */
export function parseCdnPath(target: string): CdnRoute {
  const segments = decodePathSegments(target);
  if (segments[0] === '-') {
    if (segments[1] === 'shaken' && segments.length === 2) return { resource: 'shaken' };
    const isMap = segments[1] === 'map';
    const rest = segments.slice(isMap ? 2 : 1);
    const kind = readKind(rest[0]);
    const { name, ref, used } = readNameAndRef(kind, rest.slice(1));
    if (used !== rest.length - 1) throw notFound();
    if (isMap) {
      if (!ref) throw notFound();
      return { resource: 'package-map', kind, name, ref };
    }
    return ref ? { resource: 'version-info', kind, name, ref } : { resource: 'package-info', kind, name };
  }
  const kind = readKind(segments[0]);
  const { name, ref, used } = readNameAndRef(kind, segments.slice(1));
  if (!ref) throw notFound();
  const fileSegments = segments.slice(1 + used);
  if (fileSegments.length === 0) return { resource: 'version-root', kind, name, ref };
  const file = fileSegments.join('/');
  // Past the file-path limits no stored file can match: the same rule the store applied when it wrote them.
  if (!isSafeRelativePath(file)) throw new PodmapError('PODMAP_ERR_BAD_PATH', 'not a file path the store holds');
  return { resource: 'file', kind, name, ref, file };
}

function readKind(segment: string | undefined): PackageKind {
  const kind = packageKinds.find((k) => k === segment);
  if (!kind) throw notFound();
  return kind;
}

/** Reads `name` or `name@ref` from the front of `segments` ("@scope" takes one more segment). */
function readNameAndRef(kind: PackageKind, segments: string[]): { name: string; ref: VersionRef | null; used: number } {
  const scoped = segments[0]?.startsWith('@') ?? false;
  const used = scoped ? 2 : 1;
  if (segments.length < used) throw notFound();
  const last = segments[used - 1]!;
  const at = last.indexOf('@', scoped ? 0 : 1);
  const bare = at === -1 ? last : last.slice(0, at);
  const name = scoped ? `${segments[0]}/${bare}` : bare;
  validatePackageName(name, kind);
  const ref = at === -1 ? null : parseVersionRef(last.slice(at + 1));
  return { name, ref, used };
}

function notFound(): PodmapError {
  return new PodmapError('PODMAP_ERR_NOT_FOUND');
}
