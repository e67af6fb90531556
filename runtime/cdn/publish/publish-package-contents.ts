import { PodmapError } from '../../shared/errors.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { prepareNpmVersion } from './prepare-npm-version.ts';
import type { PackageContents } from './read-package-folder.ts';
import { validatePackageName } from '../store/validate-package-name.ts';
import { writeVersion } from './write-version.ts';
import { openStore, type StoreLocation } from '../store/open-store.ts';

/**
 * Publishes a package already read into memory (readTarball) as `npm/<name>@<version>`, so a
 * caller that had to look at the manifest first does not unpack the tarball a second time.
 * Throws PODMAP_ERR_CDN_VERSION_EXISTS, leaving the store unchanged, when that version is present.
 */
export async function publishPackageContents(
  location: StoreLocation,
  { manifest, files }: PackageContents,
): Promise<{ name: string; version: string }> {
  validatePackageName(manifest.name, 'npm');
  if (!('exact' in parseVersionRef(manifest.version))) {
    throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', `package.json version ${manifest.version}`);
  }
  const prepared = await prepareNpmVersion(manifest, files, { requested: true });
  await writeVersion(openStore(location), prepared.built, prepared.files);
  return { name: manifest.name, version: manifest.version };
}
