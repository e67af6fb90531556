import semver from 'semver';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';
import type { CdnStore } from './cdn-store.ts';
import { storeIndexKey } from './store-paths.ts';
import { listMajors } from './version-line.ts';

/**
 * The body of `GET /-/<kind>/<name>` (`{ name, versions, majors }`): the store index's file, the
 * one nginx serves, or, when the index has none for the package yet, computed from the versions
 * in the store, byte for byte what writePackageIndex would store. Null for a package without
 * versions.
 */
export async function readVersionsBody(store: CdnStore, kind: PackageKind, name: string): Promise<string | null> {
  const indexed = await store.read(storeIndexKey('versions', kind, name));
  if (indexed !== null) return indexed.body.toString();
  const versions = await store.listVersions(kind, name);
  return versions.length === 0 ? null : formatVersionsBody(name, versions);
}

/**
 * The exact version an alias of the index points at (`lit@3` → "3.3.3"), read the way nginx
 * reads it (the folder name at the end of the link); null when the index has no such alias.
 */
export async function readAliasTarget(store: CdnStore, kind: PackageKind, name: string, line: string): Promise<string | null> {
  const stored = await store.read(storeIndexKey('alias', kind, name, line));
  if (!stored) return null;
  const target = stored.body.toString();
  const folder = target.slice(target.lastIndexOf('/') + 1);
  const version = folder.slice(folder.lastIndexOf('@') + 1);
  return semver.valid(version) === version ? version : null;
}

/** The versions list's body: the one format writePackageIndex stores and readVersionsBody computes. */
export function formatVersionsBody(name: string, versions: string[]): string {
  return JSON.stringify({ name, versions, majors: listMajors(versions) });
}
