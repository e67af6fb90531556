import { npmPackageOf, resolveWithMap, staticClosure, staticImports, type PageImportMap } from './module-graph.ts';
import { fetchDocument, importMapPattern } from './packages-documents.ts';

/** One npm package of the six-podlet page, as its static module graph shows it. */
export interface PackageFigures {
  /** "date-fns@4.4.0". */
  package: string;
  /** The bare specifiers the podlets import it by, and which podlets. */
  specifiers: string[];
  podlets: string[];
  /** Modules of this package's own folder in the page's static graph (what the layout preloads). */
  ownModules: number;
  /** Minified bytes of its own modules in the page's graph (decoded, before brotli). */
  rawBytes: number;
  /** Modules reached from its entry points, its dependencies' included. */
  closureModules: number;
  /** Other packages that closure reaches. */
  reaches: string[];
}

type Read = (url: string) => Promise<string>;
type Imported = Map<string, { specifiers: Set<string>; podlets: Set<string>; roots: Set<string> }>;

/**
 * From the six-podlet page as podmap serves it: each podlet's bare imports, resolved with the
 * page's import map to the package version that serves them, and the static module graph from
 * there (modules read from the CDN, imports found with es-module-lexer). Also checks that the
 * layout preloads exactly that graph.
 */
export async function analysePackages(front: string, cdnUrl: string): Promise<PackageFigures[]> {
  const doc = await fetchDocument(new URL('/', front).href);
  const map = JSON.parse(importMapPattern.exec(doc.html)![1]!) as PageImportMap;
  const sources = new Map<string, Promise<string>>();
  const read: Read = (url) => {
    if (!sources.has(url))
      sources.set(
        url,
        fetch(url).then(async (r) => {
          if (!r.ok) throw new Error(`bench: ${url} answered ${r.status}`);
          return r.text();
        }),
      );
    return sources.get(url)!;
  };
  const graph = new Set((await staticClosure(doc.moduleScripts, map, read)).keys());
  checkPreloads(doc.html, graph);
  const imported = await importedPackages(doc.moduleScripts, map, read, cdnUrl);
  const all = [...graph].map((u) => npmPackageOf(u)).filter((p): p is string => p !== null);
  const rawBytes = new Map<string, number>();
  for (const url of graph) {
    const pkg = npmPackageOf(url);
    if (pkg) rawBytes.set(pkg, (rawBytes.get(pkg) ?? 0) + Buffer.byteLength(await read(url)));
  }
  const own = (pkg: string) => ({ ownModules: all.filter((p) => p === pkg).length, rawBytes: rawBytes.get(pkg) ?? 0 });
  const out: PackageFigures[] = [];
  for (const [pkg, item] of [...imported].sort(([a], [b]) => a.localeCompare(b))) {
    const closure = [...(await staticClosure([...item.roots], map, read)).keys()];
    const reaches = [...new Set(closure.map((u) => npmPackageOf(u)).filter((p): p is string => p !== null && p !== pkg))].sort();
    const [specifiers, podlets] = [[...item.specifiers].sort(), [...item.podlets].sort()];
    out.push({ package: pkg, specifiers, podlets, ...own(pkg), closureModules: closure.length, reaches });
  }
  // Packages only reached as dependencies, for the per-package table.
  for (const pkg of [...new Set(all)].sort()) {
    if (!imported.has(pkg)) out.push({ package: pkg, specifiers: [], podlets: [], ...own(pkg), closureModules: 0, reaches: [] });
  }
  return out;
}

/** Says (on stderr) where the layout's modulepreload links and the page's static graph differ. */
function checkPreloads(html: string, graph: Set<string>): void {
  const preloads = new Set(
    [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')),
  );
  const notPreloaded = [...graph].filter((u) => !preloads.has(u));
  const notInGraph = [...preloads].filter((u) => !graph.has(u));
  if (notPreloaded.length + notInGraph.length > 0)
    console.error(
      `bench:packages: the layout's preloads and the static graph differ: not preloaded ${notPreloaded.join(', ') || '-'}; preloaded, not in the graph ${notInGraph.join(', ') || '-'}`,
    );
}

/** Each podlet's bare imports by package: the specifiers, the podlets and the URLs the map resolves them to (all on the CDN). */
async function importedPackages(entries: string[], map: PageImportMap, read: Read, cdnUrl: string): Promise<Imported> {
  const imported: Imported = new Map();
  for (const entry of entries) {
    const podlet = /\/podlet\/([^/@]+)@/.exec(entry)?.[1] ?? entry;
    for (const specifier of await staticImports(await read(entry))) {
      if (/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier)) continue;
      const url = resolveWithMap(map, specifier, entry)!;
      const pkg = npmPackageOf(url);
      if (!pkg || !url.startsWith(cdnUrl))
        throw new Error(`bench: ${podlet} imports ${specifier} from ${url}, not from the CDN's npm builds`);
      const item = imported.get(pkg) ?? { specifiers: new Set(), podlets: new Set(), roots: new Set() };
      item.specifiers.add(specifier);
      item.podlets.add(podlet);
      item.roots.add(url);
      imported.set(pkg, item);
    }
  }
  return imported;
}
