import { join, sep } from 'node:path';
import { PodmapError } from '../../../shared/errors.ts';
import { negotiateEncoding } from '../../../shared/http/negotiate-encoding.ts';
import { readVersionMetadata } from '../../store/read-version-metadata.ts';
import { readStoredFile } from '../../store/read-stored-file.ts';
import { versionDir } from '../../store/store-paths.ts';
import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { IMMUTABLE_CACHE_CONTROL } from '../../../shared/cdn-protocol/cdn-urls.ts';
import { sharedHeaders, type CdnContext, type CdnRequest, type CdnResponse } from './cdn-context.ts';
import { ifNoneMatchHits } from '../../../shared/http/if-none-match-hits.ts';

const trees = { br: 'br', gzip: 'gz', identity: 'files' } as const;

/**
 * `GET /<kind>/<name>@<exact>/<file>`: a file of a published version, immutable, with a strong
 * ETag per representation, 304 on `If-None-Match`, and its brotli or gzip copy when the client
 * accepts one. Only files listed in the version's metadata are served, so nothing else on disk
 * is reachable whatever the path says. Unknown versions and files answer PODMAP_ERR_NOT_FOUND
 * without detail, the same body the generated nginx config sends.
 */
export async function getFile(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
  file: string,
): Promise<CdnResponse> {
  const metadata = await readVersionMetadata(ctx.storeDir, kind, name, version);
  // Object.hasOwn: a path such as "constructor" or "__proto__" must not find Object.prototype.
  if (!metadata || !Object.hasOwn(metadata.files, file)) throw new PodmapError('PODMAP_ERR_NOT_FOUND');
  const entry = metadata.files[file]!;
  const encoding = entry.encodings ? negotiateEncoding(request.headers['accept-encoding']) : 'identity';
  // A strong ETag names exact bytes, so each stored representation has its own.
  const suffix = encoding === 'identity' ? '' : `-${trees[encoding]}`;
  const etag = `"${entry.integrity.slice('sha384-'.length).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}${suffix}"`;
  const headers: Record<string, string> = {
    ...sharedHeaders,
    'cache-control': IMMUTABLE_CACHE_CONTROL,
    etag,
    vary: 'Accept-Encoding',
  };
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return { status: 304, headers };
  headers['content-type'] = entry.type;
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-length'] = String(encoding === 'identity' ? entry.size : entry.encodings![encoding]);
  const root = join(versionDir(ctx.storeDir, kind, name, version), trees[encoding]);
  const path = join(root, file);
  // Defence in depth: the metadata check above already rules out paths that leave the root.
  if (!path.startsWith(root + sep)) throw new PodmapError('PODMAP_ERR_BAD_PATH');
  const length = Number(headers['content-length']);
  const bytes = await readStoredFile(path, length);
  return bytes ? { status: 200, headers, body: bytes } : { status: 200, headers, file: path };
}
