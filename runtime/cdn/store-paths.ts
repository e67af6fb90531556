import { join } from 'node:path';
import type { PackageKind } from '../shared/cdn-protocol/types.ts';

/**
 * Where things live in a store. A version is one folder, `<kind>/<name>@<version>/`, holding
 * `files/` (the package as published), `br/` and `gz/` (precompressed copies under the same
 * relative paths) and `meta.json` (VersionMetadata). Names and versions must be validated
 * before they get here (validatePackageName, parseVersionRef).
 */
export function versionDir(storeDir: string, kind: PackageKind, name: string, version: string): string {
  return join(storeDir, kind, `${name}@${version}`);
}

/** The folder that holds every version folder of a package (the scope folder for "@a/b"). */
export function packageParentDir(storeDir: string, kind: PackageKind, name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? join(storeDir, kind) : join(storeDir, kind, name.slice(0, slash));
}

/** Where publishes are staged before the atomic rename; inside the store, so on one file system. */
export function stagingDir(storeDir: string): string {
  return join(storeDir, '.staging');
}

/** The default store: `store/` in the project root (gitignored). */
export const defaultStoreDir = new URL('../../store/', import.meta.url).pathname;
