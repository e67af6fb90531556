import { packageRootOf } from '../shared/cdn-protocol/cdn-urls.ts';
import { setEntry, type ImportMap, type SpecifierMap } from './import-map.ts';
import { resolveSpecifier } from './resolve-specifier.ts';
import { compareText } from './sort-import-map.ts';

/**
 * Makes every package of a package map resolve its own imports the way that package map says,
 * through the page's map: for each package root (and each scope the CDN keyed), every key whose
 * resolution from inside that root differs gets a scope keyed by the root. The package map's
 * own scopes count, so a dependency the CDN scoped (c@1 needing b@1 while imports has b@2)
 * stays scoped. A root is handled once, from the first map that holds it: the CDN resolves a
 * package's dependencies the same way in every closure, and the first closure holding a
 * package holds all of its dependencies, so later maps could only add keys it never imports.
 * `writableScope(root)` gives the scope object to write into. A generator that yields every few
 * hundred keys (composeImportMapSteps); pure.
 */
export function* addPackageRootScopes(
  map: Required<ImportMap>,
  packageMap: ImportMap,
  rootsDone: Set<string>,
  writableScope: (root: string) => SpecifierMap = (root) => (map.scopes[root] ??= {}),
): Generator<void, void, undefined> {
  const scopes = packageMap.scopes ?? {};
  const urls = [...Object.values(packageMap.imports), ...Object.values(scopes).flatMap((entries) => Object.values(entries))];
  const roots = new Set([...urls.map(packageRootOf).filter((r): r is string => r !== null), ...Object.keys(scopes)]);
  let done = 0;
  for (const root of [...roots].sort(compareText)) {
    if (rootsDone.has(root)) continue;
    rootsDone.add(root);
    const keys = new Set(Object.keys(packageMap.imports));
    for (const [scope, entries] of Object.entries(scopes)) {
      if (scope === root || (scope.endsWith('/') && root.startsWith(scope))) for (const key of Object.keys(entries)) keys.add(key);
    }
    // In sorted order, and against the map as it grows: a prefix key scoped first ("lit/")
    // already answers the keys below it ("lit/decorators.js") the way this package wants.
    for (const key of [...keys].sort(compareText)) {
      const wanted = resolveSpecifier(packageMap, key, root);
      if (wanted !== null && resolveSpecifier(map, key, root) !== wanted) setEntry(writableScope(root), key, wanted);
      if (++done % 256 === 0) yield;
    }
  }
}
