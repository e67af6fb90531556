import { buildVersionMetadata } from './build-version-metadata.ts';
import { PodmapError } from '../../shared/errors.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { validatePackageName } from '../store/validate-package-name.ts';
import { writeVersion } from './write-version.ts';
import { openStore, type StoreLocation } from '../store/open-store.ts';

/**
 * Publishes a podlet release already read into memory (a `public/` folder by
 * publishPodletRelease, an uploaded tarball by readReleaseTarball) as `podlet/<name>@<version>`:
 * every way a release reaches the store ends here, in one metadata build and one atomic write.
 * Throws PODMAP_ERR_CDN_BAD_NAME for a name that is not an unscoped package name,
 * PODMAP_ERR_CDN_BAD_VERSION for one that is not exact, and PODMAP_ERR_CDN_VERSION_EXISTS,
 * leaving the store unchanged, when that release is present.
 */
export async function publishPodletFiles(
  location: StoreLocation,
  name: string,
  version: string,
  files: ReadonlyMap<string, Buffer>,
): Promise<{ name: string; version: string }> {
  validatePackageName(name, 'podlet');
  if (!('exact' in parseVersionRef(version))) throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', version);
  const built = await buildVersionMetadata('podlet', { name, version }, files);
  await writeVersion(openStore(location), built, files);
  return { name, version };
}
