import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listVersionsSync } from './list-versions.ts';
import { packageKinds, type PackageKind } from '../shared/cdn-protocol/types.ts';

/** One package of a store with its versions, ascending. */
export interface StorePackage {
  kind: PackageKind;
  name: string;
  versions: string[];
}

/**
 * Every package in a store, read synchronously (generateNginxConfig is synchronous). Names come
 * from folder names of the form `<name>@<version>`, one level deeper inside `@scope` folders.
 */
export function listStorePackagesSync(storeDir: string): StorePackage[] {
  const found: StorePackage[] = [];
  for (const kind of packageKinds) {
    const names = new Set<string>();
    for (const entry of readdirSafe(join(storeDir, kind))) {
      if (entry.startsWith('@')) {
        for (const inner of readdirSafe(join(storeDir, kind, entry))) {
          if (inner.indexOf('@') > 0) names.add(`${entry}/${inner.slice(0, inner.indexOf('@'))}`);
        }
      } else if (entry.indexOf('@') > 0) {
        names.add(entry.slice(0, entry.indexOf('@')));
      }
    }
    for (const name of [...names].sort()) found.push({ kind, name, versions: listVersionsSync(storeDir, kind, name) });
  }
  return found;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
