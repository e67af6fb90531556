import validate from 'validate-npm-package-name';

/** The longest package name, scope included: npm's limit for new packages, which podmap applies to every name. */
export const MAX_PACKAGE_NAME_LENGTH = 214;

/**
 * One part of a package name (the scope without its "@", or the name itself), as the source of
 * a regular expression: it starts with a letter, digit, "_", "~" or "-" and holds only
 * `[A-Za-z0-9._~-]`. The nginx config the CDN generates matches names with it too.
 */
export const PACKAGE_NAME_PART = '[A-Za-z0-9_~-][A-Za-z0-9._~-]*';

const safePart = new RegExp(`^${PACKAGE_NAME_PART}$`);

/**
 * Why `name` is not a package name podmap accepts, or null when it is one. The one rule for every
 * package name podmap reads: a podlet's podmap.json, the layout's `namespaces`, and every name
 * the CDN gets from a URL, a tarball or a package.json. A name must be
 * - valid under npm's rules for existing packages (validate-npm-package-name's
 *   `validForOldPackages`), so installed packages with capitals ("JSONStream") still publish,
 *   and "node_modules", "favicon.ico" or a leading "." or "_" do not;
 * - at most MAX_PACKAGE_NAME_LENGTH characters;
 * - an optional "@scope/" and a name, each a PACKAGE_NAME_PART: characters that need no quoting
 *   in a file name, a URL, an nginx string or a regular expression, and no part that starts
 *   with "." (npm's rules accept "@../x", which would climb out of a folder once the name is one).
 * Every name npm lets a new package have passes: its rules allow no other characters in a name,
 * and a scope follows the same rules as a name (npm's own check looks at the scope less closely).
 */
export function findPackageNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'not a non-empty string';
  if (name.length > MAX_PACKAGE_NAME_LENGTH) return `longer than ${MAX_PACKAGE_NAME_LENGTH} characters`;
  const result = validate(name);
  if (!result.validForOldPackages) return (result.errors ?? []).join('; ');
  const parts = name.startsWith('@') ? name.slice(1).split('/') : [name];
  if (parts.length > 2 || !parts.every((part) => safePart.test(part))) return 'a part of it is not path-safe';
  return null;
}

/** Whether `name` is a package name podmap accepts (findPackageNameProblem finds nothing). */
export function isPackageName(name: unknown): name is string {
  return findPackageNameProblem(name) === null;
}
