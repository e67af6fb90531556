import type { PackageKind } from '../../shared/cdn-protocol/types.ts';
import type { CdnStore } from './cdn-store.ts';
import { formatVersionsBody } from './read-package-index.ts';
import { aliasTarget, storeIndexKey } from './store-paths.ts';
import { listMajors } from './version-line.ts';
import { writeIndexFile } from './write-index-file.ts';

/**
 * Rewrites what the store index holds for one package from the versions in the store now: the
 * alias of every compatibility line, then the body of `GET /-/<kind>/<name>` (on object storage
 * that body is where the versions are listed, so it already matches and stays as it is). Called
 * by updateStoreIndex after a publish and by reindexStore. A package without versions is
 * skipped. read-package-index.ts reads what it writes. Throws PODMAP_ERR_CDN_STORE_CONFLICT when
 * another writer changed one of the files meanwhile (writeIndexFile).
 */
export async function writePackageIndex(store: CdnStore, kind: PackageKind, name: string): Promise<void> {
  // Derived from versions read before each file's compare-and-swap: a publish that lands in
  // between changes the store's fingerprint, and updateStoreIndex's pass runs again.
  const versions = await store.listVersions(kind, name);
  if (versions.length === 0) return;
  for (const [line, exact] of Object.entries(listMajors(versions))) {
    const key = storeIndexKey('alias', kind, name, line);
    // Relative, so that a store keeps working when it is moved or mounted elsewhere.
    await writeIndexFile(store, key, aliasTarget(key, kind, name, exact));
  }
  await writeIndexFile(store, storeIndexKey('versions', kind, name), formatVersionsBody(name, versions));
}
