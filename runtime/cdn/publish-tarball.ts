import { readFile } from 'node:fs/promises';
import { prepareNpmVersion } from './prepare-npm-version.ts';
import { readTarball } from './read-tarball.ts';
import { validatePackageName } from './validate-package-name.ts';
import { parseVersionRef } from './parse-version-ref.ts';
import { PodmapError } from '../shared/errors.ts';
import { writeVersion } from './write-version.ts';

/**
 * Publishes an npm tarball (`npm pack` output) on disk as `npm/<name>@<version>`. Throws
 * PODMAP_ERR_CDN_VERSION_EXISTS, leaving the store unchanged, when that version is present.
 */
export async function publishTarball(storeDir: string, tgzPath: string): Promise<{ name: string; version: string }> {
  return publishTarballBytes(storeDir, await readFile(tgzPath));
}

/** publishTarball for bytes already in memory (the HTTP upload handler). */
export async function publishTarballBytes(storeDir: string, bytes: Buffer): Promise<{ name: string; version: string }> {
  const { manifest, files } = await readTarball(bytes);
  validatePackageName(manifest.name, 'npm');
  if (!('exact' in parseVersionRef(manifest.version))) {
    throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', `package.json version ${manifest.version}`);
  }
  const prepared = await prepareNpmVersion(manifest, files, { requested: true });
  await writeVersion(storeDir, prepared.built, prepared.files);
  return { name: manifest.name, version: manifest.version };
}
