import { dirname, relative } from 'node:path';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';
import { listVersions } from './list-versions.ts';
import { formatVersionsBody } from './read-package-index.ts';
import { storeIndexPath, versionDir } from './store-paths.ts';
import { listMajors } from './version-line.ts';
import { linkAtomically, writeAtomically } from './write-atomically.ts';

/**
 * Rewrites what the store index holds for one package from the versions in the store now: the
 * alias link of every compatibility line, then the body of `GET /-/<kind>/<name>`. Called by
 * updateStoreIndex after a publish and by reindexStore. A package without versions is skipped.
 * read-package-index.ts reads what it writes.
 */
export async function writePackageIndex(storeDir: string, kind: PackageKind, name: string): Promise<void> {
  const versions = await listVersions(storeDir, kind, name);
  if (versions.length === 0) return;
  for (const [line, exact] of Object.entries(listMajors(versions))) {
    const link = storeIndexPath(storeDir, 'alias', kind, name, line);
    // Relative, so that a store keeps working when it is moved or mounted elsewhere.
    await linkAtomically(storeDir, link, relative(dirname(link), versionDir(storeDir, kind, name, exact)));
  }
  await writeAtomically(storeDir, storeIndexPath(storeDir, 'versions', kind, name), formatVersionsBody(name, versions));
}
