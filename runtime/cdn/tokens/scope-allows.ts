import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

/**
 * Whether a token with `scope` (entries checked by findScopeProblem) may publish `<kind>/<name>`:
 * an entry `*`, `<kind>/*`, `<kind>/<name>` exactly, or for npm `npm/@scope/*` when the name is
 * in that scope.
 */
export function scopeAllows(scope: readonly string[], kind: PackageKind, name: string): boolean {
  return scope.some(
    (entry) =>
      entry === '*' ||
      entry === `${kind}/*` ||
      entry === `${kind}/${name}` ||
      (kind === 'npm' && entry.startsWith('npm/@') && entry.endsWith('/*') && name.startsWith(entry.slice('npm/'.length, -1))),
  );
}
