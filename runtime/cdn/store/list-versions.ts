import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { packageParentKey } from './store-paths.ts';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

/** The exact versions of a package in a store folder, ascending; [] for an unknown package. */
export async function listVersions(storeDir: string, kind: PackageKind, name: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(join(storeDir, packageParentKey(kind, name)));
  } catch {
    return [];
  }
  return versionsFromEntries(entries, name);
}

/** The valid exact versions of `name` among `<name>@<version>` entries of its parent, ascending. */
export function versionsFromEntries(entries: string[], name: string): string[] {
  const base = name.slice(name.indexOf('/') + 1);
  const prefix = `${base}@`;
  return entries
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length))
    .filter((version) => semver.valid(version) === version)
    .sort(semver.compare);
}
