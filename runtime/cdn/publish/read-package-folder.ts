import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodmapError } from '../../shared/errors.ts';
import { walkFiles } from '../../shared/files/walk-files.ts';
import { selectPackageFiles } from './select-package-files.ts';
import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';

/** A package read into memory, ready for buildVersionMetadata. */
export interface PackageContents {
  manifest: PackageManifest;
  files: Map<string, Buffer>;
}

/**
 * Reads an installed package folder the way `npm pack` would pack it (selectPackageFiles),
 * skipping dotfiles, nested node_modules and anything that is not a plain file or folder
 * (symlinks are not followed, so a package cannot pull in files from outside its folder).
 */
export async function readPackageFolder(dir: string): Promise<PackageContents> {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageManifest;
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    throw new PodmapError('PODMAP_ERR_CDN_TARBALL_INVALID', `${dir}/package.json has no name or version`);
  }
  const files = new Map<string, Buffer>();
  for (const path of selectPackageFiles(await walkFiles(dir, ''), manifest)) {
    files.set(path, await readFile(join(dir, path)));
  }
  return { manifest, files };
}
