import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { buildBrowserPackage } from '../build/build-browser-package.ts';
import { NODE_ONLY } from '../build/build-markers.ts';
import { buildVersionMetadata, type BuiltVersion } from './build-version-metadata.ts';

/**
 * Everything the store keeps for one npm version: its files as published, its browser build
 * beside them (buildBrowserPackage) and the metadata of both. `requested` is true for a package
 * someone asked to publish (a tarball, a folder's dependency); a requested package whose main
 * entry point, or every entry point, cannot run in a browser is refused with
 * PODMAP_ERR_CDN_NOT_FOR_BROWSERS, naming the package, the entry points and the reasons. A
 * dependency reached on the way is published with those entry points marked unavailable, so
 * the packages that need it for their browser code still work.
 */
export async function prepareNpmVersion(
  manifest: PackageManifest,
  files: ReadonlyMap<string, Buffer>,
  options: { requested: boolean },
): Promise<{ built: BuiltVersion; files: Map<string, Buffer> }> {
  const browser = await buildBrowserPackage(manifest, files);
  if (browser && options.requested) {
    const { entries, unavailable } = browser.build;
    const blocked = Object.values(unavailable).some((reason) => reason.startsWith(NODE_ONLY));
    if (blocked && (Object.hasOwn(unavailable, '.') || Object.keys(entries).length === 0)) {
      const reasons = Object.entries(unavailable)
        .slice(0, 5)
        .map(([subpath, reason]) => `${subpath}: ${reason}`)
        .join('; ');
      throw new PodmapError('PODMAP_ERR_CDN_NOT_FOR_BROWSERS', `${manifest.name}@${manifest.version}: ${reasons}`);
    }
  }
  const all = new Map(files);
  for (const [path, bytes] of browser?.files ?? []) all.set(path, bytes);
  const built = await buildVersionMetadata('npm', manifest, all, browser?.build);
  return { built, files: all };
}
