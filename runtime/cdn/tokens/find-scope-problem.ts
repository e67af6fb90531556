import { findPackageNameProblem, PACKAGE_NAME_PART } from '../../shared/is-package-name.ts';

const npmScopeWildcard = new RegExp(`^npm/@${PACKAGE_NAME_PART}/\\*$`);

/**
 * Why `scope` is not one scope entry a publish token may have, or null when it is one:
 * `*` (everything), `podlet/*`, `npm/*`, `npm/@scope/*` (every package of an npm scope),
 * `podlet/<name>` (an unscoped package name) or `npm/<name>` (a package name, scoped or not),
 * names by findPackageNameProblem's rule, the one the CDN applies to the names it publishes.
 */
export function findScopeProblem(scope: unknown): string | null {
  if (typeof scope !== 'string') return 'a scope entry must be a string';
  if (scope === '*' || scope === 'podlet/*' || scope === 'npm/*' || npmScopeWildcard.test(scope)) return null;
  const [kind, ...rest] = scope.split('/');
  const name = rest.join('/');
  if ((kind === 'npm' || kind === 'podlet') && !name.endsWith('*') && findPackageNameProblem(name) === null) {
    return kind === 'podlet' && name.startsWith('@') ? `${JSON.stringify(scope)}: podlet names cannot be scoped` : null;
  }
  return `${JSON.stringify(scope).slice(0, 200)} is not podlet/<name>, podlet/*, npm/<name>, npm/@scope/*, npm/* or *`;
}
