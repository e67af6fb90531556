import { PodmapError } from '../../shared/errors.ts';
import { listVersions } from '../list-versions.ts';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';
import { listMajors } from '../version-line.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './cdn-context.ts';
import { jsonResponse } from './json-response.ts';

/**
 * `GET /-/<kind>/<name>`: `{ name, versions, majors }`, the versions ascending and the newest
 * per compatibility line. Layouts read it to pin exact URLs; short cache, since publishing
 * changes it.
 */
export async function getPackageInfo(ctx: CdnContext, request: CdnRequest, kind: PackageKind, name: string): Promise<CdnResponse> {
  const versions = await listVersions(ctx.storeDir, kind, name);
  if (versions.length === 0) throw new PodmapError('PODMAP_ERR_CDN_PACKAGE_UNKNOWN', `${kind}/${name}`);
  return jsonResponse({ name, versions, majors: listMajors(versions) }, `public, max-age=${ctx.aliasMaxAge}`, request.headers);
}
