import { buildPackageMap, type PackageImportMap } from './build-package-map.ts';
import type { CdnStore } from './cdn-store.ts';
import { readVersionMetadata } from './read-version-metadata.ts';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { validatePackageName } from './validate-package-name.ts';
import { chooseVersion } from './version-line.ts';

/**
 * Reads from the store what buildPackageMap needs for `root` — the versions of every package
 * the closure reaches and the metadata of the versions it picks — then builds the map.
 * Dependencies are always npm packages, whatever the root's kind. Every dependency name is
 * validated before it becomes a path (validatePackageName): a stored version that depends on a
 * name the store cannot hold ("../../x") has no map, PODMAP_ERR_CDN_BAD_NAME naming it.
 */
export async function loadPackageMap(store: CdnStore, root: VersionMetadata): Promise<PackageImportMap> {
  const available: Record<string, string[]> = {};
  const metadata = new Map<string, VersionMetadata>();
  const queue: VersionMetadata[] = [root];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [name, range] of Object.entries(current.dependencies)) {
      if (!Object.hasOwn(available, name)) {
        validateDependencyName(current, name);
        available[name] = await store.listVersions('npm', name);
      }
      const version = chooseVersion(available[name]!, range);
      if (version === null || seen.has(`${name}@${version}`)) continue;
      seen.add(`${name}@${version}`);
      const found = await readVersionMetadata(store, 'npm', name, version);
      if (!found) continue;
      metadata.set(`${name}@${version}`, found);
      queue.push(found);
    }
  }
  // buildPackageMap makes the same choices and reports what is missing.
  return buildPackageMap(root, { available, metadata });
}

function validateDependencyName(from: VersionMetadata, name: string): void {
  try {
    validatePackageName(name, 'npm');
  } catch (error) {
    const detail = `${from.kind}/${from.name}@${from.version} depends on ${(error as PodmapError).detail ?? name}`;
    throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', detail, { cause: error });
  }
}
