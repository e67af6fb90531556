import type { ImportMap } from './import-map.ts';
import { resolveSpecifier } from './resolve-specifier.ts';

/**
 * Every module a page will load from `entries`, in a stable breadth-first order, by the exact
 * URL that `map` resolves each import to. The layout writes one modulepreload per URL, because
 * Chromium does not fetch a preloaded module's dependencies itself (docs/design.md, "Preload the whole graph").
 *
 * `importsOf(url)` returns the import specifiers of a module as written, or undefined when the
 * module is unknown (then its dependencies are simply not preloaded). Specifiers the map cannot
 * resolve are returned in `unresolved`, so the layout can report them.
 */
export function collectModuleGraph(
  entries: readonly string[],
  map: ImportMap,
  importsOf: (url: string) => readonly string[] | undefined,
): { modules: string[]; unresolved: Array<{ specifier: string; referrer: string }> } {
  const seen = new Set<string>();
  const unresolved: Array<{ specifier: string; referrer: string }> = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    for (const specifier of importsOf(url) ?? []) {
      const resolved = resolveSpecifier(map, specifier, url);
      if (resolved === null) unresolved.push({ specifier, referrer: url });
      else if (!seen.has(resolved)) queue.push(resolved);
    }
  }
  return { modules: [...seen], unresolved };
}
