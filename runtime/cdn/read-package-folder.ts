import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodmapError } from '../server/errors.ts';
import { selectPackageFiles } from './select-package-files.ts';
import type { PackageManifest } from './types.ts';

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

/**
 * Every plain file below `dir` as a "/"-separated relative path, without dotfiles, dot-folders
 * and node_modules. Also used for a podlet's public/ folder.
 */
export async function walkFiles(dir: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await walkFiles(dir, path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
