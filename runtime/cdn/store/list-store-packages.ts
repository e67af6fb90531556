import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { listVersions } from './list-versions.ts';
import { packageKinds } from '../../shared/cdn-protocol/types.ts';
import type { StorePackage } from './cdn-store.ts';


/**
 * Every package in a store folder with its versions (listVersions), sorted by kind and name. Names come
 * from folder names of the form `<name>@<version>`, one level deeper inside `@scope` folders.
 * The store index (reindexStore) is built from it, and its JSON tells whether the store changed.
 */
export async function listStorePackages(storeDir: string): Promise<StorePackage[]> {
  const found: StorePackage[] = [];
  for (const kind of packageKinds) {
    const names = new Set((await listVersionEntries(join(storeDir, kind))).map((entry) => entry.name));
    for (const name of [...names].sort()) found.push({ kind, name, versions: await listVersions(storeDir, kind, name) });
  }
  return found;
}

/**
 * The `<name>@<version>` entries of a folder laid out like a kind folder of the store: unscoped
 * names directly in it, scoped ones inside their `@scope` folder. Versions are as written, unchecked.
 */
export async function listVersionEntries(dir: string): Promise<Array<{ name: string; version: string }>> {
  const found: Array<{ name: string; version: string }> = [];
  for (const entry of await readdirSafe(dir)) {
    const inner = entry.startsWith('@') ? (await readdirSafe(join(dir, entry))).map((name) => `${entry}/${name}`) : [entry];
    for (const path of inner) {
      // The "@" before the version: after the scope's own "@" and the scope folder.
      const at = path.indexOf('@', path.indexOf('/') + 1 || 1);
      if (at > 0) found.push({ name: path.slice(0, at), version: path.slice(at + 1) });
    }
  }
  return found;
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
