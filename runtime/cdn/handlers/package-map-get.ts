import { loadPackageMap } from '../load-package-map.ts';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './cdn-context.ts';
import { jsonResponse } from './json-response.ts';
import { requireVersion } from './version-info-get.ts';

/**
 * `GET /-/map/<kind>/<name>@<exact>`: the package's import map with its dependencies
 * (buildPackageMap). The short alias cache rather than `immutable`: the version itself never
 * changes, but its dependencies resolve to the newest satisfying versions in the store, which
 * move when a dependency is published.
 */
export async function getPackageMap(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<CdnResponse> {
  const root = await requireVersion(ctx, kind, name, version);
  return jsonResponse(await loadPackageMap(ctx.storeDir, root), `public, max-age=${ctx.aliasMaxAge}`, request.headers);
}
