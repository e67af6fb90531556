import type { ImportMap } from './import-map.ts';
import { resolveWithEntry } from './resolve-specifier.ts';
import type { MapEntryUse } from './trim-import-map.ts';

/** One import of a module (`referrer`), resolved through a map. */
export interface ResolvedImport {
  specifier: string;
  referrer: string;
  /** The URL the map gives, or null where a browser throws. */
  url: string | null;
  /** The entry that answered (see Resolution); key null: none did. */
  scope: string | null;
  key: string | null;
}

/**
 * The imports of every module resolved so far through one map, by module URL, so that walking
 * the graph again (another round after more modules became known, another podlet's graph)
 * resolves each module's imports once. Valid for that map only: a memo is tied to its map object,
 * which must not change while the memo is used.
 */
export interface ModuleGraphMemo {
  readonly map: ImportMap;
  readonly resolved: Map<string, readonly ResolvedImport[]>;
}

/** A fresh memo for `map`. */
export function createModuleGraphMemo(map: ImportMap): ModuleGraphMemo {
  return { map, resolved: new Map() };
}

/** What one walk found. */
export interface ModuleGraph {
  /** Every module reached, in a stable breadth-first order. */
  modules: string[];
  /** Imports the map cannot resolve, with the module that imports them. */
  unresolved: Array<{ specifier: string; referrer: string }>;
  /** Which map entry resolved which import: what trimImportMap keeps. */
  uses: MapEntryUse[];
}

/**
 * Every module a page will load from `entries`, in a stable breadth-first order, by the exact
 * URL that `map` resolves each import to. The layout writes one modulepreload per URL, because
 * Chromium does not fetch a preloaded module's dependencies itself (docs/design.md, "Preload the whole graph").
 *
 * `importsOf(url)` returns the import specifiers of a module as written, or undefined when the
 * module is unknown (then its dependencies are simply not walked). Specifiers the map cannot
 * resolve are returned in `unresolved`, so the layout can report them; only URL strings are ever
 * queued. Pass a `memo` to reuse resolutions across walks over the same map. Pure.
 */
export function collectModuleGraph(
  entries: readonly string[],
  map: ImportMap,
  importsOf: (url: string) => readonly string[] | undefined,
  memo: ModuleGraphMemo = createModuleGraphMemo(map),
): ModuleGraph {
  const steps = collectModuleGraphSteps(entries, map, importsOf, memo);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** collectModuleGraph() as a generator that yields every few hundred modules, for a caller that lets the event loop run between. */
export function* collectModuleGraphSteps(
  entries: readonly string[],
  map: ImportMap,
  importsOf: (url: string) => readonly string[] | undefined,
  memo: ModuleGraphMemo = createModuleGraphMemo(map),
): Generator<void, ModuleGraph, undefined> {
  if (memo.map !== map) throw new TypeError('collectModuleGraph: the memo belongs to another map');
  const seen = new Set<string>();
  const graph: ModuleGraph = { modules: [], unresolved: [], uses: [] };
  const queue = [...entries];
  for (let next = 0; next < queue.length; next++) {
    const url = queue[next]!;
    if (seen.has(url)) continue;
    seen.add(url);
    graph.modules.push(url);
    for (const edge of importsResolved(url, memo, importsOf)) {
      if (edge.url === null) graph.unresolved.push({ specifier: edge.specifier, referrer: url });
      else {
        // The memo's own record serves as the use: one walk of a large page makes thousands.
        if (edge.key !== null) graph.uses.push(edge as MapEntryUse);
        if (!seen.has(edge.url)) queue.push(edge.url);
      }
    }
    if (graph.modules.length % 200 === 0) yield;
  }
  return graph;
}

/** A module's resolved imports, from the memo or resolved now (and kept) if its imports are known. */
function importsResolved(
  url: string,
  memo: ModuleGraphMemo,
  importsOf: (url: string) => readonly string[] | undefined,
): readonly ResolvedImport[] {
  const known = memo.resolved.get(url);
  if (known) return known;
  const specifiers = importsOf(url);
  if (!specifiers) return [];
  const resolved: ResolvedImport[] = [];
  for (const specifier of specifiers) {
    // Import lists come over the network (podmap.json, CDN metadata): anything but a string is no import.
    if (typeof specifier !== 'string') continue;
    const { url: target, scope, key } = resolveWithEntry(memo.map, specifier, url);
    resolved.push({ specifier, referrer: url, url: target, scope, key });
  }
  memo.resolved.set(url, resolved);
  return resolved;
}
