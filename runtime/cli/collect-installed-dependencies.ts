import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PodmapError } from '../shared/errors.ts';
import { findInstalledPackage } from '../shared/files/find-installed-package.ts';

/** A package folder's package.json, or PODMAP_ERR_PUBLISH_PACKAGE_JSON naming it. */
function readManifest(dir: string): {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
} {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (pkg !== null && typeof pkg === 'object' && !Array.isArray(pkg)) return pkg;
    throw new Error('not a JSON object');
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${path.join(dir, 'package.json')}: ${(error as Error).message}`);
  }
}

/**
 * The package folders `folders` need at run time, as installed: each folder's `dependencies`
 * (and theirs, transitively, once each), resolved the way Node resolves them. The folders given
 * are not in the result. Throws PODMAP_ERR_PUBLISH_PACKAGE_JSON naming a dependency that is not
 * installed; an optional dependency that is missing is skipped.
 */
export function collectInstalledDependencies(folders: string[]): string[] {
  const given = new Set(folders.map((folder) => realpathSync(folder)));
  const found = new Set<string>();
  const queue = [...given];
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    const pkg = readManifest(dir);
    const optional = new Set(Object.keys(pkg.optionalDependencies ?? {}));
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const installed = findInstalledPackage(name, dir);
      if (!installed) {
        if (optional.has(name)) continue;
        throw new PodmapError(
          'PODMAP_ERR_PUBLISH_PACKAGE_JSON',
          `${pkg.name ?? dir} depends on ${name}, which is not installed (npm install)`,
        );
      }
      if (given.has(installed) || found.has(installed)) continue;
      found.add(installed);
      queue.push(installed);
    }
  }
  return [...found];
}
