import { join } from 'node:path';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

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

/**
 * The store's index (`<store>/-index/`): what the JSON endpoints and aliases answer, precomputed
 * at publish time (updateStoreIndex) so that nginx can serve them as files and podmap's server
 * sends the same bytes. Never served under its own path. `versions/<kind>/<name>.json` is
 * `GET /-/<kind>/<name>`; `aliases/<kind>/<name>@<line>` a symlink to the newest version folder
 * of a compatibility line; `maps/<kind>/<name>@<version>.json` the package map and
 * `map-errors/…` the error that replaces it while a dependency is missing; `dependents/<dep>/`
 * holds an empty `<kind>/<name>@<version>` file per stored version that depends on `<dep>`.
 */
export function storeIndexPath(
  storeDir: string,
  what: 'versions' | 'alias' | 'map' | 'map-error',
  kind: PackageKind,
  name: string,
  version = '',
): string {
  switch (what) {
    case 'versions':
      return join(storeDir, '-index', 'versions', kind, `${name}.json`);
    case 'alias':
      return join(storeDir, '-index', 'aliases', kind, `${name}@${version}`);
    case 'map':
      return join(storeDir, '-index', 'maps', kind, `${name}@${version}.json`);
    case 'map-error':
      return join(storeDir, '-index', 'map-errors', kind, `${name}@${version}.json`);
  }
}

/** The folder of empty files naming every stored version that depends on the npm package `dependency`. */
export function dependentsDir(storeDir: string, dependency: string): string {
  return join(storeDir, '-index', 'dependents', dependency);
}

/** Written last by a full reindex (reindexStore): an index without it is incomplete. */
export function indexFormatFile(storeDir: string): string {
  return join(storeDir, '-index', 'format');
}

/** The default store: `store/` in the project root (gitignored). */
export const defaultStoreDir = new URL('../../../store/', import.meta.url).pathname;
