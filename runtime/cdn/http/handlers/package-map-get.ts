import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { readPackageMap } from '../../store/read-package-map.ts';
import { jsonErrorHeaders, type CdnContext, type CdnRequest, type CdnResponse } from './cdn-context.ts';
import { jsonResponse } from './json-response.ts';
import { requireVersion } from './version-info-get.ts';

/**
 * `GET /-/map/<kind>/<name>@<exact>`: the package's import map with its dependencies
 * (buildPackageMap), or 409 PODMAP_ERR_CDN_DEPENDENCY_MISSING. The short alias cache rather
 * than `immutable`: the version itself never changes, but its dependencies resolve to the newest
 * satisfying versions in the store, which move when a dependency is published. The answer is
 * the store index's, the one nginx serves; computed from the store when the index has none yet.
 */
export async function getPackageMap(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<CdnResponse> {
  const root = await requireVersion(ctx, kind, name, version);
  const answer = await readPackageMap(ctx.reader, root);
  if (answer.status !== 200) return { status: answer.status, headers: { ...jsonErrorHeaders }, body: answer.body };
  return jsonResponse(answer.body, `public, max-age=${ctx.aliasMaxAge}`, request.headers);
}
