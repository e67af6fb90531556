import { readlink } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import semver from 'semver';
import type { PackageKind } from '../shared/cdn-protocol/types.ts';
import { listVersions } from './list-versions.ts';
import { storeIndexPath, versionDir } from './store-paths.ts';
import { listMajors } from './version-line.ts';
import { linkAtomically, writeAtomically } from './write-atomically.ts';

/**
 * Rewrites what the store index holds for one package from the versions in the store now: the
 * alias link of every compatibility line, then the body of `GET /-/<kind>/<name>`. Called by
 * updateStoreIndex after a publish and by reindexStore. A package without versions is skipped.
 */
export async function writePackageIndex(storeDir: string, kind: PackageKind, name: string): Promise<void> {
  const versions = await listVersions(storeDir, kind, name);
  if (versions.length === 0) return;
  for (const [line, exact] of Object.entries(listMajors(versions))) {
    const link = storeIndexPath(storeDir, 'alias', kind, name, line);
    // Relative, so that a store keeps working when it is moved or mounted elsewhere.
    await linkAtomically(storeDir, link, relative(dirname(link), versionDir(storeDir, kind, name, exact)));
  }
  await writeAtomically(storeDir, storeIndexPath(storeDir, 'versions', kind, name), versionsBody(name, versions));
}

/**
 * The body of `GET /-/<kind>/<name>` computed from the store (`{ name, versions, majors }`),
 * byte for byte what writePackageIndex stores; null for a package without versions. podmap's
 * server falls back on it when the index has no file for the package yet.
 */
export async function computeVersionsBody(storeDir: string, kind: PackageKind, name: string): Promise<string | null> {
  const versions = await listVersions(storeDir, kind, name);
  return versions.length === 0 ? null : versionsBody(name, versions);
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

function versionsBody(name: string, versions: string[]): string {
  return JSON.stringify({ name, versions, majors: listMajors(versions) });
}
