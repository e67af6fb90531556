import { readFile } from 'node:fs/promises';
import { publishPackageContents } from './publish-package-contents.ts';
import { readTarball } from './read-tarball.ts';

/**
 * Publishes an npm tarball (`npm pack` output) on disk as `npm/<name>@<version>`. Throws
 * PODMAP_ERR_CDN_VERSION_EXISTS, leaving the store unchanged, when that version is present.
 */
export async function publishTarball(storeDir: string, tgzPath: string): Promise<{ name: string; version: string }> {
  return publishPackageContents(storeDir, await readTarball(await readFile(tgzPath)));
}
