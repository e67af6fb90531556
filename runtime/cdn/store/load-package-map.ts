import { buildPackageMap, type PackageImportMap } from './build-package-map.ts';
import type { CdnStore } from './cdn-store.ts';
import { readVersionMetadata } from './read-version-metadata.ts';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { chooseVersion } from './version-line.ts';

/**
 * Reads from the store what buildPackageMap needs for `root` — the versions of every package
 * the closure reaches and the metadata of the versions it picks — then builds the map.
 * Dependencies are always npm packages, whatever the root's kind.
 */
export async function loadPackageMap(store: CdnStore, root: VersionMetadata): Promise<PackageImportMap> {
  const available: Record<string, string[]> = {};
  const metadata = new Map<string, VersionMetadata>();
  const queue: VersionMetadata[] = [root];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [name, range] of Object.entries(current.dependencies)) {
      available[name] ??= await store.listVersions('npm', name);
      const version = chooseVersion(available[name], range);
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
