import { buildVersionMetadata } from './build-version-metadata.ts';
import { minifyReleaseFiles } from '../build/minify-release-files.ts';
import { PodmapError } from '../../shared/errors.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { validatePackageName } from '../store/validate-package-name.ts';
import { writeVersion } from './write-version.ts';
import { openStore, type StoreLocation } from '../store/open-store.ts';

/**
 * Publishes a podlet release already read into memory (a `public/` folder by
 * publishPodletRelease, an uploaded tarball by readReleaseTarball) as `podlet/<name>@<version>`:
 * every way a release reaches the store ends here, in one metadata build and one atomic write.
 * Its modules and stylesheets are stored minified, each with a source map (minifyReleaseFiles);
 * a file kept as published is logged with PODMAP_ERR_CDN_MINIFY_SKIPPED, and returned in
 * `warnings` for the publisher (the PUT answer carries them to `podmap publish`).
 * Throws PODMAP_ERR_CDN_BAD_NAME for a name that is not an unscoped package name,
 * PODMAP_ERR_CDN_BAD_VERSION for one that is not exact, and PODMAP_ERR_CDN_VERSION_EXISTS,
 * leaving the store unchanged, when that release is present.
 */
export async function publishPodletFiles(
  location: StoreLocation,
  name: string,
  version: string,
  files: ReadonlyMap<string, Buffer>,
): Promise<{ name: string; version: string; warnings: Array<{ code: string; message: string }> }> {
  validatePackageName(name, 'podlet');
  if (!('exact' in parseVersionRef(version))) throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', version);
  const release = await minifyReleaseFiles(files);
  const built = await buildVersionMetadata('podlet', { name, version }, release.files);
  for (const [path, note] of release.notes) Object.assign(built.metadata.files[path]!, note);
  await writeVersion(openStore(location), built, release.files);
  for (const warning of release.warnings) console.warn(`podmap: podlet ${name}@${version}: ${warning.code}: ${warning.message}`);
  return { name, version, warnings: release.warnings.map((w) => ({ code: w.code, message: w.message })) };
}
