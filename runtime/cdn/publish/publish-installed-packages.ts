import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodmapError } from '../../shared/errors.ts';
import { prepareNpmVersion } from './prepare-npm-version.ts';
import { findInstalledPackage } from '../../shared/files/find-installed-package.ts';
import { readPackageFolder } from './read-package-folder.ts';
import { readVersionMetadata } from '../store/read-version-metadata.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { validatePackageName } from '../store/validate-package-name.ts';
import { writeVersion } from './write-version.ts';
import { openStore, type StoreLocation } from '../store/open-store.ts';

/**
 * Publishes installed packages into the store (a folder, s3://bucket/prefix or a CdnStore) as `npm/<name>@<version>`, with what `npm pack`
 * would include. `names` defaults to the `dependencies` of `fromDir/package.json`; each is found
 * through the node_modules folders from `fromDir` upwards, and each of its dependencies,
 * transitively, from its own (real) folder, so nested and symlinked workspace packages resolve
 * as Node resolves them. Versions already in the store are skipped (their dependencies are still
 * visited). Returns "name@version" lists. Called by the demo's start script and by tests.
 * Throws PODMAP_ERR_CDN_PACKAGE_UNKNOWN when a package is not installed.
 */
export async function publishInstalledPackages(
  location: StoreLocation,
  fromDir: string,
  names?: string[],
): Promise<{ published: string[]; skipped: string[] }> {
  const store = openStore(location);
  const published: string[] = [];
  const skipped: string[] = [];
  const visited = new Set<string>();
  const roots = names ?? Object.keys((await readManifest(fromDir)).dependencies ?? {});
  const queue: Array<{ name: string; from: string }> = roots.map((name) => ({ name, from: fromDir }));
  while (queue.length > 0) {
    const { name, from } = queue.shift()!;
    validatePackageName(name, 'npm');
    const dir = findInstalledPackage(name, from);
    if (!dir) throw new PodmapError('PODMAP_ERR_CDN_PACKAGE_UNKNOWN', `${name} is not installed below ${from}`);
    if (visited.has(dir)) continue;
    visited.add(dir);
    const { manifest, files } = await readPackageFolder(dir);
    const id = `${manifest.name}@${manifest.version}`;
    for (const dependency of Object.keys({ ...manifest.optionalDependencies, ...manifest.dependencies })) {
      // An optional dependency may be absent (another platform's binary): only follow it if present.
      if (manifest.optionalDependencies?.[dependency] && !findInstalledPackage(dependency, dir)) continue;
      queue.push({ name: dependency, from: dir });
    }
    validatePackageName(manifest.name, 'npm');
    if (!('exact' in parseVersionRef(manifest.version))) throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', id);
    if (await readVersionMetadata(store, 'npm', manifest.name, manifest.version)) {
      skipped.push(id);
      continue;
    }
    try {
      const prepared = await prepareNpmVersion(manifest, files, { requested: roots.includes(name) && from === fromDir });
      await writeVersion(store, prepared.built, prepared.files);
      published.push(id);
    } catch (error) {
      // Another process published the same version meanwhile: the store has it, which is the goal.
      if (error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_VERSION_EXISTS') skipped.push(id);
      else throw error;
    }
  }
  return { published, skipped };
}

async function readManifest(dir: string): Promise<{ dependencies?: Record<string, string> }> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
}
