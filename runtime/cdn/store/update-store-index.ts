import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnStore } from './cdn-store.ts';
import { findDependents, recordDependencies } from './find-dependents.ts';
import { openStore, type StoreLocation } from './open-store.ts';
import { readVersionMetadata } from './read-version-metadata.ts';
import { indexFormatKey } from './store-paths.ts';
import { isStoreConflict, writeIndexFile } from './write-index-file.ts';
import { writePackageIndex } from './write-package-index.ts';
import { writePackageMap } from './write-package-map.ts';

// Written last by a full reindex; a store index in another format is rebuilt.
const indexFormat = 'podmap store index 1\n';
// A pass that saw the store change, or lost a compare-and-swap, is repeated; under a storm of
// publishes each publisher's own update still covers its package, so giving up after a bound
// loses nothing that the next publish or a reindex does not restore. Twenty publishers of one
// package on radosgw lost 10 passes in a row about once in ten runs without the pause below.
const maxPasses = 20;

/**
 * Brings the store index (store-paths.ts, storeIndexKey) up to date after `published` was
 * committed; writeVersion calls it. Rewrites the package maps of the new version and of every
 * stored version whose map can include its package (findDependents), then the package's
 * aliases and versions list, in that order, so that a client which learns of the new version
 * finds its map. A store that was never fully indexed is reindexed instead.
 *
 * Safe against concurrent publishes, in this process or others, on one disk or one bucket: every
 * index file is written by compare-and-swap (writeIndexFile), and a pass that lost one or during
 * which the store's versions changed is derived again from the store, so the last write of every
 * file was computed from the store as it is afterwards. Throws PODMAP_ERR_CDN_STORE_CONFLICT when
 * every pass lost a compare-and-swap.
 */
export async function updateStoreIndex(location: StoreLocation, published: VersionMetadata): Promise<void> {
  const store = openStore(location);
  if (!(await isIndexed(store))) return reindexStore(store);
  await recordDependencies(store, published);
  await untilStoreSettles(store, async () => {
    const affected = [published];
    if (published.kind === 'npm') {
      for (const id of await findDependents(store, published.name)) {
        const metadata = await readVersionMetadata(store, id.kind, id.name, id.version);
        if (metadata) affected.push(metadata);
      }
    }
    for (const metadata of affected) await writePackageMap(store, metadata);
    await writePackageIndex(store, published.kind, published.name);
  });
}

/**
 * Builds the whole store index from the versions in the store: for a store published before the
 * index existed, or to repair one (`podmap cdn reindex`). Complete versions that a crashed
 * publisher left out of the listing are listed first (recoverVersions). Unchanged files are not
 * rewritten.
 */
export async function reindexStore(location: StoreLocation): Promise<void> {
  const store = openStore(location);
  await store.recoverVersions();
  await untilStoreSettles(store, async () => {
    const packages = await store.listPackages();
    const all: VersionMetadata[] = [];
    for (const { kind, name, versions } of packages) {
      for (const version of versions) {
        const metadata = await readVersionMetadata(store, kind, name, version);
        if (metadata) all.push(metadata);
      }
    }
    for (const metadata of all) await recordDependencies(store, metadata);
    for (const metadata of all) await writePackageMap(store, metadata);
    for (const { kind, name } of packages) await writePackageIndex(store, kind, name);
  });
  await writeIndexFile(store, indexFormatKey, indexFormat);
}

/**
 * Reindexes the store unless a full reindex has completed on it before. podmap's server calls it
 * before its first answer, and `podmap cdn nginx-config` before printing the config.
 */
export async function ensureStoreIndex(location: StoreLocation): Promise<void> {
  const store = openStore(location);
  if (!(await isIndexed(store))) await reindexStore(store);
}

async function isIndexed(store: CdnStore): Promise<boolean> {
  return (await store.read(indexFormatKey))?.body.toString() === indexFormat;
}

async function untilStoreSettles(store: CdnStore, pass: () => Promise<void>): Promise<void> {
  let conflict: unknown = null;
  for (let i = 0; i < maxPasses; i++) {
    const before = await store.fingerprint();
    try {
      await pass();
      conflict = null;
    } catch (error) {
      if (!isStoreConflict(error)) throw error;
      conflict = error;
      // Spread the losers' next passes apart, exponentially: with twenty publishers of one package,
      // a pause growing by 10 ms a pass still let them collide pass after pass on a loaded machine
      // until one gave up (its publish stored, its index not updated). Capped at 1 s a pass.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 2 ** i)));
      continue;
    }
    if ((await store.fingerprint()) === before) return;
  }
  if (conflict) throw new PodmapError('PODMAP_ERR_CDN_STORE_CONFLICT', `${maxPasses} passes`, { cause: conflict });
}
