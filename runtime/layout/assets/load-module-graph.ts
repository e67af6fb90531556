import { collectModuleGraphSteps, createModuleGraphMemo, type ImportMap, type MapEntryUse } from '../../import-map/index.ts';
import { parseCdnUrl } from '../../shared/cdn-protocol/cdn-urls.ts';
import type { FileEntry, VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { CdnRefusal, type CdnClient } from './create-cdn-client.ts';
import type { PodletClient } from '../podlets/create-podlet-client.ts';
import { runSliced, type TimeSlicer } from './create-time-slicer.ts';

/** The walk stops after this many rounds of CDN look-ups; a real graph needs one per level of packages. */
const MAX_ROUNDS = 20;

/** Where a walk starts: modules of one owner (a podlet, or "import-map.json"). */
export interface GraphRoot {
  owner: string;
  urls: readonly string[];
  /** True for modules the page loads (entry scripts); false for modules it only maps (exposes, global entries). */
  preload: boolean;
}

/** The page's module graph, as loadModuleGraph() found it. */
export interface PageGraph {
  /** The modules to preload: reached from the preload roots, breadth-first, less CDN URLs whose file the CDN lacks. */
  preloads: string[];
  /** Every module reached from any root. */
  modules: string[];
  /** Which map entry resolved which import, over the whole graph. */
  uses: MapEntryUse[];
  /** Owner → imports in its graph that the map cannot resolve. */
  unresolved: Map<string, Array<{ specifier: string; referrer: string }>>;
  /** Owner → the CDN's refusal to describe a package version its graph reaches. */
  refused: Map<string, CdnRefusal>;
}

/**
 * The imports of every module the layout knows: podlets' modules from their podmap.json (static
 * imports by module URL, dynamic ones by that URL + DYNAMIC_IMPORTS), CDN modules from the CDN's per-file metadata
 * (static and dynamic imports of string literals), fetched one package version at a time as
 * walks reach it. One index serves every round of one build.
 */
export interface ModuleIndex {
  importsOf(url: string): readonly string[] | undefined;
  /** The CDN package root of `url` when its metadata has not been fetched yet. */
  unfetchedRootOf(url: string): string | null;
  /** Fetches the metadata of these roots; a 4xx is remembered as a refusal, anything worse throws. */
  fetchRoots(roots: Iterable<string>): Promise<void>;
  /** False for what is not a file to preload: a URL that is not http(s), a CDN URL whose version or file the CDN lacks. */
  isLoadable(url: string): boolean;
  /** The refusal met for the root of `url`, if any. */
  refusalFor(url: string): CdnRefusal | undefined;
  /** Adds modules known from elsewhere (the files of shaken builds), by URL → imports. */
  addFiles(files: ReadonlyMap<string, readonly string[]>): void;
}

/** Ends the URL that stands for a podlet module's dynamic imports in the graph: `<module URL>#podmap-dynamic`. */
export const DYNAMIC_IMPORTS = '#podmap-dynamic';

// URL → imports of every file of a version, made once per metadata object (the CDN client keeps those forever).
const filesByMetadata = new WeakMap<VersionMetadata, Map<string, readonly string[]>>();

/** An index over the podmap.json modules of `podlets` and what `cdn` says about its packages. */
export function createModuleIndex(podlets: Iterable<PodletClient>, cdn: CdnClient): ModuleIndex {
  const own = podletModules(podlets);
  const roots = new Map<string, Map<string, readonly string[]>>();
  const refusals = new Map<string, CdnRefusal>();
  // The package root of a CDN URL (null off the CDN), asked for each module several times per build.
  const rootsOf = new Map<string, string | null>();
  const rootOf = (url: string) => {
    let root = rootsOf.get(url);
    if (root === undefined) rootsOf.set(url, (root = url.startsWith(cdn.base) ? (parseCdnUrl(url)?.root ?? null) : null));
    return root;
  };

  async function fetchRoot(root: string): Promise<void> {
    const location = parseCdnUrl(root)!;
    try {
      const meta = await cdn.metadata(location.name, location.version, location.kind);
      roots.set(root, meta ? filesOf(meta, root) : new Map());
    } catch (error) {
      if (!(error instanceof CdnRefusal)) throw error;
      refusals.set(root, error);
      roots.set(root, new Map());
    }
  }

  return {
    importsOf: (url) => own.get(url) ?? roots.get(rootOf(url) ?? '')?.get(url),
    unfetchedRootOf(url) {
      const root = own.has(url) ? null : rootOf(url);
      return root !== null && !roots.has(root) ? root : null;
    },
    fetchRoots: async (list) => void (await Promise.all([...list].map(fetchRoot))),
    isLoadable(url) {
      // Only http(s) modules are preloaded ("node:fs", "data:…" are not files to fetch).
      if (!url.startsWith('http:') && !url.startsWith('https:')) return false;
      const root = rootOf(url);
      return root === null || own.has(url) || roots.get(root)?.has(url) === true;
    },
    refusalFor: (url) => refusals.get(rootOf(url) ?? ''),
    addFiles(files) {
      for (const [url, imports] of files) own.set(url, imports);
    },
  };
}

/** The imports of the podlets' modules by URL; dynamic imports hang off a URL of their own (DYNAMIC_IMPORTS), walked only from roots that are not preloaded. */
function podletModules(podlets: Iterable<PodletClient>): Map<string, readonly string[]> {
  const own = new Map<string, readonly string[]>();
  for (const client of podlets) {
    const doc = client.state?.podmap;
    if (!doc) continue;
    for (const [file, specifiers] of Object.entries(doc.modules)) own.set(new URL(file, doc.baseUrl).href, specifiers);
    for (const [file, specifiers] of Object.entries(doc.dynamicImports ?? {}))
      own.set(new URL(file, doc.baseUrl).href + DYNAMIC_IMPORTS, specifiers);
  }
  return own;
}

function filesOf(meta: VersionMetadata, root: string): Map<string, readonly string[]> {
  let files = filesByMetadata.get(meta);
  if (!files) {
    files = new Map();
    for (const [file, info] of Object.entries(meta.files ?? {})) addModuleImports(files, new URL(file, root).href, info);
    filesByMetadata.set(meta, files);
  }
  return files;
}

/**
 * Adds a CDN file's imports to `files` as the graph walks them: its static imports under its URL,
 * and those only `import()` loads (FileEntry.dynamicImports) under its URL + DYNAMIC_IMPORTS,
 * walked apart like a podlet's dynamic imports.
 */
export function addModuleImports(files: Map<string, readonly string[]>, url: string, info: Partial<FileEntry> | undefined): void {
  const imports = Array.isArray(info?.imports) ? info.imports : [];
  const dynamic = Array.isArray(info?.dynamicImports) ? new Set(info.dynamicImports) : null;
  files.set(url, dynamic ? imports.filter((s) => !dynamic.has(s)) : imports);
  if (dynamic && dynamic.size > 0) files.set(url + DYNAMIC_IMPORTS, [...dynamic]);
}

/**
 * The page's module graph from `roots`, by the exact URL the map resolves each import to. The
 * walk runs in rounds: walk, fetch the CDN metadata of the package versions whose modules were
 * unknown, walk again, until a walk finds nothing new to fetch; each module's imports are
 * resolved once (a memo over `map`). Each owner's graph is then walked on its own, only when
 * something went wrong, to say whose page part it is.
 */
export async function loadModuleGraph(
  map: ImportMap,
  pageRoots: readonly GraphRoot[],
  index: ModuleIndex,
  slice: TimeSlicer,
): Promise<PageGraph> {
  let roots = pageRoots;
  const memo = createModuleGraphMemo(map);
  const walk = (urls: readonly string[]) => runSliced(collectModuleGraphSteps(urls, map, index.importsOf, memo), slice);
  // CDN modules' own import() calls: roots of their own, found as the walk reaches the modules.
  const dynamicRoots: GraphRoot[] = [];
  const all = roots.flatMap((r) => r.urls);
  let whole = await walk(all);
  for (let round = 1; round < MAX_ROUNDS; round++) {
    const unknown = new Set(whole.modules.flatMap((url) => index.unfetchedRootOf(url) ?? []));
    const found = whole.modules.filter(
      (url) => index.importsOf(url + DYNAMIC_IMPORTS) !== undefined && !all.includes(url + DYNAMIC_IMPORTS),
    );
    if (unknown.size === 0 && found.length === 0) break;
    if (unknown.size > 0) await index.fetchRoots(unknown);
    for (const url of found) dynamicRoots.push({ owner: url + DYNAMIC_IMPORTS, urls: [url + DYNAMIC_IMPORTS], preload: false });
    all.push(...found.map((url) => url + DYNAMIC_IMPORTS));
    whole = await walk(all);
  }
  roots = [...roots, ...dynamicRoots];
  const graph: PageGraph = { preloads: [], modules: whole.modules, uses: whole.uses, unresolved: new Map(), refused: new Map() };
  graph.preloads = (await walk(roots.filter((r) => r.preload).flatMap((r) => r.urls))).modules.filter(index.isLoadable);
  const troubled = whole.unresolved.length > 0 || whole.modules.some((url) => index.refusalFor(url));
  for (const root of troubled ? roots : []) {
    const own = await walk(root.urls);
    if (own.unresolved.length > 0) graph.unresolved.set(root.owner, [...(graph.unresolved.get(root.owner) ?? []), ...own.unresolved]);
    const refusal = own.modules.map(index.refusalFor).find((r) => r !== undefined);
    if (refusal && !graph.refused.has(root.owner)) graph.refused.set(root.owner, refusal);
  }
  return graph;
}
