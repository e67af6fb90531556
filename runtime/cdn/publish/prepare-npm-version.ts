import type { PackageBuild, PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { buildBrowserPackage } from '../build/build-browser-package.ts';
import { NODE_ONLY } from '../build/build-markers.ts';
import { buildVersionMetadata, type BuiltVersion } from './build-version-metadata.ts';

/**
 * Everything the store keeps for one npm version: its files as published, its browser build
 * beside them (buildBrowserPackage) and the metadata of both. `requested` is true for a package
 * someone asked to publish (a tarball, a folder's dependency); a requested package whose main
 * entry point, or every entry point, has no browser build is refused, naming the package, the
 * entry points and the reasons: PODMAP_ERR_CDN_NOT_FOR_BROWSERS when an entry point needs Node,
 * PODMAP_ERR_CDN_BUILD_FAILED when esbuild could not build it. A dependency reached on the way is
 * published with those entry points marked unavailable, so the packages that need it for their
 * browser code still work. A build that outlived its budget or crashed its build process
 * (PODMAP_ERR_CDN_BUILD_TIMEOUT, PODMAP_ERR_CDN_BUILD_CRASHED) refuses the version, requested or
 * not: a version is stored once and never changes, so marking its entry points unavailable for
 * a build that a less busy CDN could finish would lose that build for good, where a refusal
 * stores nothing and can be tried again.
 */
export async function prepareNpmVersion(
  manifest: PackageManifest,
  files: ReadonlyMap<string, Buffer>,
  options: { requested: boolean },
): Promise<{ built: BuiltVersion; files: Map<string, Buffer> }> {
  const browser = await buildBrowserPackage(manifest, files);
  if (browser && options.requested) refuseUnusable(manifest, browser.build);
  const all = new Map(files);
  for (const [path, bytes] of browser?.files ?? []) all.set(path, bytes);
  const built = await buildVersionMetadata('npm', manifest, all, browser?.build);
  return { built, files: all };
}

/** Throws when a page could not import the package: its main entry point, or every entry point, has no build. */
function refuseUnusable(manifest: PackageManifest, { entries, unavailable }: PackageBuild): void {
  if (!Object.hasOwn(unavailable, '.') && Object.keys(entries).length > 0) return;
  const reasons = Object.entries(unavailable)
    .slice(0, 5)
    .map(([subpath, reason]) => `${subpath}: ${reason}`)
    .join('; ');
  const needsNode = Object.values(unavailable).some((reason) => reason.startsWith(NODE_ONLY));
  throw new PodmapError(
    needsNode ? 'PODMAP_ERR_CDN_NOT_FOR_BROWSERS' : 'PODMAP_ERR_CDN_BUILD_FAILED',
    `${manifest.name}@${manifest.version}: ${reasons}`,
  );
}
