import { PodmapError } from '../../server/errors.ts';
import { listVersions } from '../list-versions.ts';
import type { PackageKind } from '../types.ts';
import { listMajors } from '../version-line.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './cdn-handler.ts';
import { sendJson } from './send-json.ts';

/**
 * `GET /-/<kind>/<name>`: `{ name, versions, majors }`, the versions ascending and the newest
 * per compatibility line. Layouts read it to pin exact URLs; short cache, since publishing
 * changes it.
 */
export async function getPackageInfo(ctx: CdnContext, request: CdnRequest, kind: PackageKind, name: string): Promise<CdnResponse> {
  const versions = await listVersions(ctx.storeDir, kind, name);
  if (versions.length === 0) throw new PodmapError('PODMAP_ERR_CDN_PACKAGE_UNKNOWN', `${kind}/${name}`);
  return sendJson({ name, versions, majors: listMajors(versions) }, `public, max-age=${ctx.aliasMaxAge}`, request.headers);
}
