import { PodmapError } from '../../shared/errors.ts';
import { findPackageNameProblem } from '../../shared/is-package-name.ts';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

/**
 * Throws PODMAP_ERR_CDN_BAD_NAME unless `name` is a package name the store can hold: one podmap
 * accepts everywhere (findPackageNameProblem: npm's rules for existing packages, every part
 * path-safe), and unscoped for podlets. Called on every name that comes from a URL, a tarball or
 * package.json, before it touches the file system.
 */
export function validatePackageName(name: string, kind: PackageKind): void {
  const problem = findPackageNameProblem(name);
  if (problem !== null) throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', `${JSON.stringify(name).slice(0, 300)}: ${problem}`);
  if (kind === 'podlet' && name.startsWith('@')) throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', 'podlet names cannot be scoped');
}
