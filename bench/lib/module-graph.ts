import { init, parse } from 'es-module-lexer';

/** An import map as a layout writes it. */
export interface PageImportMap {
  imports?: Record<string, string>;
  scopes?: Record<string, Record<string, string>>;
}

/**
 * Resolves `specifier` imported by the module at `importer` with `map`, as a browser does for the
 * forms podmap's maps use: relative and absolute URLs; bare specifiers by the most specific scope
 * whose prefix the importer starts with, then `imports`, an exact key before the longest
 * `…/` prefix key. Null when the map has no answer.
 */
export function resolveWithMap(map: PageImportMap, specifier: string, importer: string): string | null {
  if (/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return new URL(specifier, importer).href;
  const lookup = (table: Record<string, string> | undefined): string | null => {
    if (!table) return null;
    if (Object.hasOwn(table, specifier)) return table[specifier]!;
    const prefix = Object.keys(table)
      .filter((k) => k.endsWith('/') && specifier.startsWith(k))
      .sort((a, b) => b.length - a.length)[0];
    return prefix ? table[prefix]! + specifier.slice(prefix.length) : null;
  };
  const scopes = Object.keys(map.scopes ?? {})
    .filter((s) => importer.startsWith(s))
    .sort((a, b) => b.length - a.length);
  for (const scope of scopes) {
    const hit = lookup(map.scopes![scope]);
    if (hit) return hit;
  }
  return lookup(map.imports);
}

/** The specifiers a module imports statically (`import … from`, `export … from`, `import '…'`). */
export async function staticImports(source: string): Promise<string[]> {
  await init;
  const [imports] = parse(source);
  // d > -1 is a dynamic import(), -2 import.meta: neither is preloaded nor loaded up front.
  return imports.filter((i) => i.d === -1 && i.n !== undefined).map((i) => i.n!);
}

/**
 * The modules reached from `roots` through static imports, each resolved with `map`; `read`
 * returns a module's source. Throws on an import the map cannot resolve.
 */
export async function staticClosure(
  roots: string[],
  map: PageImportMap,
  read: (url: string) => Promise<string>,
): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const queue = [...roots];
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    if (graph.has(url)) continue;
    const deps: string[] = [];
    graph.set(url, deps);
    for (const specifier of await staticImports(await read(url))) {
      const target = resolveWithMap(map, specifier, url);
      if (!target) throw new Error(`bench: ${url} imports "${specifier}", which the page's import map does not resolve`);
      deps.push(target);
      queue.push(target);
    }
  }
  return graph;
}

/** The package a CDN module URL belongs to: "vue@3.5.45" for `/npm/vue@3.5.45/+/index.js`, else null. */
export function npmPackageOf(url: string): string | null {
  const m = /\/npm\/((?:@[^/@]+\/)?[^/@]+)@([^/]+)\//.exec(new URL(url).pathname);
  return m ? `${m[1]}@${m[2]}` : null;
}
