import { readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import semver from 'semver';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';
import { listVersions } from './list-versions.ts';
import { storeIndexPath } from './store-paths.ts';
import { listMajors } from './version-line.ts';

/**
 * The body of `GET /-/<kind>/<name>` (`{ name, versions, majors }`): the store index's file, the
 * one nginx serves, or, when the index has none for the package yet, computed from the versions
 * in the store, byte for byte what writePackageIndex would store. Null for a package without
 * versions.
 */
export async function readVersionsBody(storeDir: string, kind: PackageKind, name: string): Promise<string | null> {
  const indexed = await readFile(storeIndexPath(storeDir, 'versions', kind, name), 'utf8').catch(() => null);
  if (indexed !== null) return indexed;
  const versions = await listVersions(storeDir, kind, name);
  return versions.length === 0 ? null : formatVersionsBody(name, versions);
}

/**
 * The exact version an alias link of the index points at (`lit@3` → "3.3.3"), read the way nginx
 * reads it (the folder name at the end of the link); null when the index has no such link.
 */
export async function readAliasTarget(storeDir: string, kind: PackageKind, name: string, line: string): Promise<string | null> {
  let target: string;
  try {
    target = await readlink(storeIndexPath(storeDir, 'alias', kind, name, line));
  } catch {
    return null;
  }
  const folder = basename(target);
  const version = folder.slice(folder.lastIndexOf('@') + 1);
  return semver.valid(version) === version ? version : null;
}

/** The versions list's body: the one format writePackageIndex stores and readVersionsBody computes. */
export function formatVersionsBody(name: string, versions: string[]): string {
  return JSON.stringify({ name, versions, majors: listMajors(versions) });
}
