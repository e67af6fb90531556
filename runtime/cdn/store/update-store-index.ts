import { readFile } from 'node:fs/promises';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { findDependents, recordDependencies } from './find-dependents.ts';
import { listStorePackages } from './list-store-packages.ts';
import { readVersionMetadata } from './read-version-metadata.ts';
import { indexFormatFile } from './store-paths.ts';
import { writeAtomically } from './write-atomically.ts';
import { writePackageIndex } from './write-package-index.ts';
import { writePackageMap } from './write-package-map.ts';

// Written last by a full reindex; a store index in another format is rebuilt.
const indexFormat = 'podmap store index 1\n';
// A pass that saw the store change is repeated; under a storm of publishes each publisher's own
// update still covers its package, so giving up after a few passes loses nothing.
const maxPasses = 10;

/**
 * Brings the store index (store-paths.ts, storeIndexPath) up to date after `published` was
 * renamed into the store; writeVersion calls it. Rewrites the package maps of the new version
 * and of every stored version whose map can include its package (findDependents), then the
 * package's alias links and versions list, in that order, so that a client which learns of the
 * new version finds its map. A store that was never fully indexed is reindexed instead.
 *
 * Safe against concurrent publishes, in this process or others: every file is replaced
 * atomically, and a pass during which the store's versions changed is repeated, so the last
 * write of every file was computed from the store as it is afterwards.
 */
export async function updateStoreIndex(storeDir: string, published: VersionMetadata): Promise<void> {
  if (!(await isIndexed(storeDir))) return reindexStore(storeDir);
  await recordDependencies(storeDir, published);
  await untilStoreSettles(storeDir, async () => {
    const affected = [published];
    if (published.kind === 'npm') {
      for (const id of await findDependents(storeDir, published.name)) {
        const metadata = await readVersionMetadata(storeDir, id.kind, id.name, id.version);
        if (metadata) affected.push(metadata);
      }
    }
    for (const metadata of affected) await writePackageMap(storeDir, metadata);
    await writePackageIndex(storeDir, published.kind, published.name);
  });
}

/**
 * Builds the whole store index from the versions in the store: for a store published before the
 * index existed, or to repair one (`npm run cdn -- reindex`). Unchanged files are not rewritten.
 */
export async function reindexStore(storeDir: string): Promise<void> {
  await untilStoreSettles(storeDir, async () => {
    const packages = await listStorePackages(storeDir);
    const all: VersionMetadata[] = [];
    for (const { kind, name, versions } of packages) {
      for (const version of versions) {
        const metadata = await readVersionMetadata(storeDir, kind, name, version);
        if (metadata) all.push(metadata);
      }
    }
    for (const metadata of all) await recordDependencies(storeDir, metadata);
    for (const metadata of all) await writePackageMap(storeDir, metadata);
    for (const { kind, name } of packages) await writePackageIndex(storeDir, kind, name);
  });
  await writeAtomically(storeDir, indexFormatFile(storeDir), indexFormat);
}

/**
 * Reindexes the store unless a full reindex has completed on it before. podmap's server calls it
 * before its first answer, and `npm run cdn -- nginx-config` before printing the config.
 */
export async function ensureStoreIndex(storeDir: string): Promise<void> {
  if (!(await isIndexed(storeDir))) await reindexStore(storeDir);
}

async function isIndexed(storeDir: string): Promise<boolean> {
  return (await readFile(indexFormatFile(storeDir), 'utf8').catch(() => null)) === indexFormat;
}

async function untilStoreSettles(storeDir: string, pass: () => Promise<void>): Promise<void> {
  for (let i = 0; i < maxPasses; i++) {
    const before = JSON.stringify(await listStorePackages(storeDir));
    await pass();
    if (JSON.stringify(await listStorePackages(storeDir)) === before) return;
  }
}
