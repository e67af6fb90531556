import { readVersionMetadata } from '../../store/read-version-metadata.ts';
import type { PackageKind, VersionMetadata } from '../../../shared/cdn-protocol/types.ts';
import { IMMUTABLE_CACHE_CONTROL } from '../../../shared/cdn-protocol/cdn-urls.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './cdn-context.ts';
import { jsonResponse } from './json-response.ts';
import { PodmapError } from '../../../shared/errors.ts';
import { metadataKey } from '../../store/store-paths.ts';

/**
 * `GET /-/<kind>/<name>@<exact>`: the stored version metadata (docs/cdn.md); immutable. The
 * bytes of the version's meta.json, the file nginx serves for this URL.
 */
export async function getVersionInfo(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<CdnResponse> {
  const stored = await ctx.reader.read(metadataKey(kind, name, version));
  const body = stored?.body.toString() ?? JSON.stringify(await requireVersion(ctx, kind, name, version));
  return jsonResponse(body, IMMUTABLE_CACHE_CONTROL, request.headers);
}

/**
 * The metadata of a version, or PODMAP_ERR_CDN_PACKAGE_UNKNOWN / _VERSION_UNKNOWN saying which
 * part is missing. Shared by the metadata and map endpoints.
 */
export async function requireVersion(ctx: CdnContext, kind: PackageKind, name: string, version: string): Promise<VersionMetadata> {
  const metadata = await readVersionMetadata(ctx.reader, kind, name, version);
  if (metadata) return metadata;
  const known = (await ctx.reader.listVersions(kind, name)).length > 0;
  throw new PodmapError(known ? 'PODMAP_ERR_CDN_VERSION_UNKNOWN' : 'PODMAP_ERR_CDN_PACKAGE_UNKNOWN', `${kind}/${name}@${version}`);
}
