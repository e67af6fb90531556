import { PodmapError } from '../../../shared/errors.ts';
import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { newestInLine } from '../../store/version-line.ts';
import { sharedHeaders, type CdnContext, type CdnResponse } from './cdn-context.ts';
import { safeLocation } from '../safe-location.ts';
import { readAliasTarget } from '../../store/read-package-index.ts';

/**
 * `GET /<kind>/<name>@<line>/<rest>` (and the same under `/-/` and `/-/map/`): 302 to the
 * newest exact version in that compatibility line, keeping `<rest>`, with a short cache
 * (`aliasMaxAge`) because the alias moves when a version is published. `prefix` is "" for
 * files, "/-" for metadata and "/-/map" for maps; `rest` is already URL-encoded or "". The
 * target is the store index's alias link, the one nginx follows; computed from the store's
 * versions when the index has none yet.
 */
export async function getAlias(
  ctx: CdnContext,
  prefix: '' | '/-' | '/-/map',
  kind: PackageKind,
  name: string,
  line: string,
  rest: string,
): Promise<CdnResponse> {
  const exact = (await readAliasTarget(ctx.reader, kind, name, line)) ?? newestInLine(await ctx.reader.listVersions(kind, name), line);
  // Same body as for a missing file, so podmap and the generated nginx config answer alike.
  if (!exact) throw new PodmapError('PODMAP_ERR_NOT_FOUND');
  const location = safeLocation(`${prefix}/${kind}/${name}@${exact}${rest ? `/${rest}` : ''}`);
  return {
    status: 302,
    headers: { ...sharedHeaders, location, 'cache-control': `public, max-age=${ctx.aliasMaxAge}` },
  };
}
