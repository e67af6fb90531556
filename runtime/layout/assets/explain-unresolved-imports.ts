import { packageNameOf } from '../../shared/package-name-of.ts';
import { resolveSpecifier, type ImportMap } from '../../import-map/index.ts';
import { parseCdnUrl } from '../../shared/cdn-protocol/cdn-urls.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnClient } from './create-cdn-client.ts';

/** How many unresolved imports one error names; the rest are counted. */
const NAMED = 3;

/**
 * The PODMAP_ERR_SPECIFIER_UNRESOLVED error for a podlet whose module graph imports what the
 * page's map cannot resolve: each specifier with the URL of the module that imports it, and why
 * where the CDN can say: an entry point its browser build marked unavailable (`build.unavailable`
 * in the version's metadata, with the CDN's reason), a subpath the package does not export, or a
 * package nothing on the page provides (a dependency nobody declared, such as `htm/preact`
 * importing `preact` when no podlet needs `preact`).
 */
export async function explainUnresolvedImports(
  unresolved: ReadonlyArray<{ specifier: string; referrer: string }>,
  map: ImportMap,
  cdn: CdnClient,
): Promise<PodmapError> {
  const unique = [...new Map(unresolved.map((u) => [`${u.specifier}\0${u.referrer}`, u])).values()];
  const named = await Promise.all(
    unique.slice(0, NAMED).map(async ({ specifier, referrer }) => {
      const why = await whyUnresolved(specifier, referrer, map, cdn).catch(() => null);
      return `"${specifier}" imported by ${referrer}${why ? ` (${why})` : ''}`;
    }),
  );
  const more = unique.length > NAMED ? `, and ${unique.length - NAMED} more` : '';
  return new PodmapError('PODMAP_ERR_SPECIFIER_UNRESOLVED', `${named.join('; ')}${more}`);
}

async function whyUnresolved(specifier: string, referrer: string, map: ImportMap, cdn: CdnClient): Promise<string | null> {
  if (/^(\/|\.\/|\.\.\/)/.test(specifier) || specifier.includes(':')) return 'not a valid URL here';
  const pkg = packageNameOf(specifier);
  // The version this module would get: where the package's own name resolves from here.
  const main = resolveSpecifier(map, pkg, referrer);
  const location = main ? parseCdnUrl(main) : null;
  if (!location || location.name !== pkg) {
    return Object.hasOwn(map.imports, pkg) || Object.hasOwn(map.imports, `${pkg}/`)
      ? `${pkg} is not mapped for this module`
      : `nothing on the page provides ${pkg}: no podlet needs it and no package on the page depends on it`;
  }
  const subpath = specifier === pkg ? '.' : `./${specifier.slice(pkg.length + 1)}`;
  const meta = await cdn.metadata(pkg, location.version, location.kind);
  const reason = meta?.build?.unavailable && Object.hasOwn(meta.build.unavailable, subpath) ? meta.build.unavailable[subpath] : undefined;
  if (reason) return `the CDN has no browser build of ${pkg}@${location.version} "${subpath}": ${reason}`;
  return `${pkg}@${location.version} does not export "${subpath}"`;
}
