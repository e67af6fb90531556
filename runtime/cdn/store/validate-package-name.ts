import validate from 'validate-npm-package-name';
import { PodmapError } from '../../shared/errors.ts';
import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

// npm's own rules accept "@../x" and "@./x" (the scope is only checked for URL-safe characters),
// which would climb out of the store once the name becomes a folder. Every part must therefore
// also start with a letter, digit, "_", "~" or "-"; and we keep only characters that need no
// quoting in a file name, a URL, an nginx string or a regular expression.
const safePart = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/**
 * Throws PODMAP_ERR_CDN_BAD_NAME unless `name` is a package name the store can hold: valid under
 * validate-npm-package-name (old-package rules, so installed packages with capitals still
 * publish), every part path-safe, and unscoped for podlets. Called on every name that comes
 * from a URL, a tarball or package.json, before it touches the file system.
 */
export function validatePackageName(name: string, kind: PackageKind): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 214) {
    throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', 'empty or longer than 214 characters');
  }
  const result = validate(name);
  if (!result.validForOldPackages) {
    throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', `${JSON.stringify(name)}: ${(result.errors ?? []).join('; ')}`);
  }
  const parts = name.startsWith('@') ? name.slice(1).split('/') : [name];
  if (parts.length > 2 || !parts.every((part) => safePart.test(part))) {
    throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', `${JSON.stringify(name)} has an unsafe part`);
  }
  if (kind === 'podlet' && parts.length !== 1) {
    throw new PodmapError('PODMAP_ERR_CDN_BAD_NAME', 'podlet names cannot be scoped');
  }
}
