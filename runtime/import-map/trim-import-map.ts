import { setEntry, type ImportMap, type SpecifierMap } from './import-map.ts';
import { sortImportMap } from './sort-import-map.ts';

/** One resolution a page makes: `specifier` imported by `referrer` was answered by `key` of `scope` (null: `imports`). */
export interface MapEntryUse {
  scope: string | null;
  key: string;
  specifier: string;
  referrer: string;
}

/**
 * The part of a page's composed map that the page uses: the `imports` and `scopes` entries that
 * resolved at least one import of the page's module graph (`uses`, as collectModuleGraph records
 * them), plus the top-level `imports` keys in `keep` (exposed modules and the global map's
 * entries, which code the layout cannot see may import). Scopes left empty are dropped, and so
 * is `integrity`: the caller selects it from the graph (selectIntegrity). Keys are sorted as
 * sortImportMap sorts them.
 *
 * Every recorded import resolves through the trimmed map exactly as through `map`: its entry is
 * kept, and the entries dropped never matched it, or they would have answered it. Pure.
 */
export function trimImportMap(map: ImportMap, uses: Iterable<MapEntryUse>, keep: Iterable<string> = []): ImportMap {
  const trimmed: Required<ImportMap> = { imports: {}, scopes: {}, integrity: {} };
  const copy = (from: SpecifierMap | undefined, to: SpecifierMap, key: string) => {
    if (from && Object.hasOwn(from, key) && !Object.hasOwn(to, key)) setEntry(to, key, from[key]!);
  };
  for (const key of keep) copy(map.imports, trimmed.imports, key);
  for (const use of uses) {
    if (use.scope === null) {
      copy(map.imports, trimmed.imports, use.key);
      continue;
    }
    const entries = map.scopes && Object.hasOwn(map.scopes, use.scope) ? map.scopes[use.scope] : undefined;
    if (entries && Object.hasOwn(entries, use.key)) copy(entries, (trimmed.scopes[use.scope] ??= {}), use.key);
  }
  return sortImportMap(trimmed);
}
