import { PodmapError } from '../../../shared/errors.ts';
import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { readVersionsBody } from '../../store/read-package-index.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './cdn-context.ts';
import { jsonResponse } from './json-response.ts';

/**
 * `GET /-/<kind>/<name>`: `{ name, versions, majors }`, the versions ascending and the newest
 * per compatibility line. Layouts read it to pin exact URLs; short cache, since publishing
 * changes it. The body is the store index's file, the one nginx serves; computed from the store
 * when the index has none yet.
 */
export async function getPackageInfo(ctx: CdnContext, request: CdnRequest, kind: PackageKind, name: string): Promise<CdnResponse> {
  const body = await readVersionsBody(ctx.reader, kind, name);
  if (body === null) throw new PodmapError('PODMAP_ERR_CDN_PACKAGE_UNKNOWN', `${kind}/${name}`);
  return jsonResponse(body, `public, max-age=${ctx.aliasMaxAge}`, request.headers);
}
