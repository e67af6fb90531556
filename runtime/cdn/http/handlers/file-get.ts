import { join, posix } from 'node:path';
import { PodmapError } from '../../../shared/errors.ts';
import { answerCompressedFile } from '../../../shared/http/answer-compressed-file.ts';
import { readVersionMetadata } from '../../store/read-version-metadata.ts';
import { readStoredFile } from '../../store/read-stored-file.ts';
import { readShakenBuild, SHAKEN_DIR } from '../../store/shaken-build-store.ts';
import { versionFileKey } from '../../store/store-paths.ts';
import type { FileEntry, PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { IMMUTABLE_CACHE_CONTROL } from '../../../shared/cdn-protocol/cdn-urls.ts';
import { sharedHeaders, type CdnContext, type CdnRequest, type CdnResponse } from './cdn-context.ts';

const trees = { br: 'br', gzip: 'gz', identity: 'files' } as const;

/**
 * `GET /<kind>/<name>@<exact>/<file>`: a file of a published version, immutable, answered by
 * answerCompressedFile (a strong ETag per representation, 304 on `If-None-Match`, its brotli or
 * gzip copy when the client accepts one). Only files listed in the version's metadata, or in
 * the record of one of its shaken builds (`+/~shaken/<id>/…`), are served, so nothing else on disk is reachable whatever the path says. Unknown versions and
 * files answer PODMAP_ERR_NOT_FOUND without detail, the same body the generated nginx config sends.
 */
export async function getFile(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
  file: string,
): Promise<CdnResponse> {
  const entry = await findEntry(ctx, kind, name, version, file);
  if (!entry) throw new PodmapError('PODMAP_ERR_NOT_FOUND');
  const sizes = { identity: entry.size, ...entry.encodings };
  const answer = answerCompressedFile(
    request.headers,
    { etag: etagOf(entry), type: entry.type, sizes },
    {
      ...sharedHeaders,
      'cache-control': IMMUTABLE_CACHE_CONTROL,
    },
  );
  if (answer.status === 304) return { status: 304, headers: answer.headers };
  const key = versionFileKey(kind, name, version, trees[answer.encoding], file);
  // Defence in depth: the metadata check above already rules out paths that leave the version.
  if (posix.normalize(key) !== key || key.split('/').includes('..')) throw new PodmapError('PODMAP_ERR_BAD_PATH');
  const bytes = await readStoredFile(ctx.reader, key, sizes[answer.encoding]!);
  if (bytes) return { status: 200, headers: answer.headers, body: bytes };
  // Past the cache's size limit the file system store streams the file from disk.
  if (ctx.store.root !== undefined) return { status: 200, headers: answer.headers, file: join(ctx.store.root, key) };
  throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', `${key} is listed in its metadata but missing`);
}

/** A file's entry in its version's metadata, or in the record of the shaken build it belongs to (docs/shaken-builds.md). */
async function findEntry(ctx: CdnContext, kind: PackageKind, name: string, version: string, file: string): Promise<FileEntry | null> {
  const metadata = await readVersionMetadata(ctx.reader, kind, name, version);
  if (!metadata) return null;
  // Object.hasOwn: a path such as "constructor" or "__proto__" must not find Object.prototype.
  if (Object.hasOwn(metadata.files, file)) return metadata.files[file]!;
  const shaken = kind === 'npm' && file.startsWith(`${SHAKEN_DIR}/`) ? file.slice(SHAKEN_DIR.length + 1).split('/')[0]! : null;
  const build = shaken ? await readShakenBuild(ctx.store, name, version, shaken) : null;
  return build && Object.hasOwn(build.files, file) ? build.files[file]! : null;
}

/**
 * The strong ETag of a stored file's original bytes: the first 22 characters (132 bits) of its
 * sha384 integrity, URL-safe. A version's files never change, so the tag only has to tell one
 * file's bytes from another's; it is on every response, and the whole 64 characters cost a page
 * of 42 modules about 2 KB of headers that HTTP/2 cannot compress (bench:packages).
 */
function etagOf(entry: FileEntry): string {
  return `"${entry.integrity
    .slice('sha384-'.length, 'sha384-'.length + 22)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')}"`;
}
