import { readFile } from 'node:fs/promises';
import { publishPackageContents } from './publish-package-contents.ts';
import { readTarball } from './read-tarball.ts';
import type { StoreLocation } from '../store/open-store.ts';

/**
 * Publishes an npm tarball (`npm pack` output) on disk into a store (a folder, s3://bucket/prefix or a CdnStore) as `npm/<name>@<version>`. Throws
 * PODMAP_ERR_CDN_VERSION_EXISTS, leaving the store unchanged, when that version is present.
 */
export async function publishTarball(location: StoreLocation, tgzPath: string): Promise<{ name: string; version: string }> {
  return publishPackageContents(location, await readTarball(await readFile(tgzPath)));
}
