import { posix } from 'node:path';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

/**
 * Where things live in a store, as keys: paths relative to the store's root with "/" between
 * parts, the same on every driver (a file's path below the folder on disk; an object's key
 * below the bucket's prefix on S3). Every key the CDN reads or writes is built here.
 *
 * A version is `<kind>/<name>@<version>/`, holding `files/` (the package as published), `br/`
 * and `gz/` (precompressed copies under the same relative paths) and `meta.json`
 * (VersionMetadata). Names and versions must be validated before they get here
 * (validatePackageName, parseVersionRef).
 */
export function versionKey(kind: PackageKind, name: string, version: string): string {
  return `${kind}/${name}@${version}`;
}

/** The three trees of a version: the files as published and their brotli and gzip copies. */
export type VersionTree = 'files' | 'br' | 'gz';

/** A file of a version in one of its trees: `<kind>/<name>@<version>/<tree>/<path>`. */
export function versionFileKey(kind: PackageKind, name: string, version: string, tree: VersionTree, path: string): string {
  return `${versionKey(kind, name, version)}/${tree}/${path}`;
}

/** A version's metadata, `meta.json`: the file that makes a version complete on every driver. */
export function metadataKey(kind: PackageKind, name: string, version: string): string {
  return `${versionKey(kind, name, version)}/meta.json`;
}

/**
 * The claim of a version on object storage (commitVersionByClaim): created once, it names the
 * staged upload whose files the version gets. Never served; the file system store has none.
 */
export function claimKey(kind: PackageKind, name: string, version: string): string {
  return `${versionKey(kind, name, version)}/claim.json`;
}

/** The key below which every version of a package lies (the scope's folder for "@a/b"). */
export function packageParentKey(kind: PackageKind, name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? kind : `${kind}/${name.slice(0, slash)}`;
}

/** Where publishes are staged before they become versions; never served. */
export const stagingKey = '.staging';

/** One publish attempt's staged upload on object storage: `.staging/<kind>/<name>@<version>/<attempt>`. */
export function attemptStagingKey(kind: PackageKind, name: string, version: string, attempt: string): string {
  return `${stagingKey}/${versionKey(kind, name, version)}/${attempt}`;
}

/**
 * The store's index (`-index/`): what the JSON endpoints and aliases answer, precomputed at
 * publish time (updateStoreIndex) so that nginx can serve them as files and podmap's server
 * sends the same bytes. Never served under its own path. `versions/<kind>/<name>.json` is
 * `GET /-/<kind>/<name>`; `aliases/<kind>/<name>@<line>` points at the newest version of a
 * compatibility line (a symbolic link on disk, an object holding the link's text on S3);
 * `maps/<kind>/<name>@<version>.json` the package map and `map-errors/…` the error that replaces
 * it while a dependency is missing; `dependents/<dep>/` holds an empty `<kind>/<name>@<version>`
 * per stored version that depends on `<dep>`.
 */
export function storeIndexKey(what: 'versions' | 'alias' | 'map' | 'map-error', kind: PackageKind, name: string, version = ''): string {
  switch (what) {
    case 'versions':
      return `-index/versions/${kind}/${name}.json`;
    case 'alias':
      return `-index/aliases/${kind}/${name}@${version}`;
    case 'map':
      return `-index/maps/${kind}/${name}@${version}.json`;
    case 'map-error':
      return `-index/map-errors/${kind}/${name}@${version}.json`;
  }
}

/** The prefix of the versions lists: one object per package on S3, listed to find them all. */
export const versionsListPrefix = '-index/versions/';

/** Whether `key` is an alias of the index: the file system store keeps those as symbolic links. */
export function isAliasKey(key: string): boolean {
  return key.startsWith('-index/aliases/');
}

/** What an alias holds: the version's key relative to the alias, as a symbolic link would. */
export function aliasTarget(aliasKey: string, kind: PackageKind, name: string, version: string): string {
  return posix.relative(posix.dirname(aliasKey), versionKey(kind, name, version));
}

/** The folder of empty files naming every stored version that depends on the npm package `dependency`. */
export function dependentsKey(dependency: string): string {
  return `-index/dependents/${dependency}`;
}

/** Written last by a full reindex (reindexStore): an index without it is incomplete. */
export const indexFormatKey = '-index/format';

/** The default store: `store/` in the project root (gitignored). */
export const defaultStoreDir = new URL('../../../store/', import.meta.url).pathname;
