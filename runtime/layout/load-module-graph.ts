import { collectModuleGraph, type ImportMap } from '../import-map/index.ts';
import { parseCdnUrl } from '../shared/cdn-protocol/cdn-urls.ts';
import type { CdnClient } from './create-cdn-client.ts';
import type { PodletClient } from './create-podlet-client.ts';

/** The walk stops after this many rounds of CDN look-ups; a real graph needs one per level of packages. */
const MAX_ROUNDS = 20;

/**
 * Every module the page loads from `entries`, by the exact URL the map resolves it to, in the
 * breadth-first order of collectModuleGraph(). The imports of podlet modules come from the
 * podlets' podmap.json; those of CDN modules from the CDN's per-file metadata, which is fetched
 * one package version at a time as the walk reaches it: walk, fetch the versions whose modules
 * were unknown, walk again, until a walk finds nothing new to fetch.
 */
export async function loadModuleGraph(
  map: ImportMap,
  entries: string[],
  podlets: Iterable<PodletClient>,
  cdn: CdnClient,
): Promise<string[]> {
  const importsOf = new Map<string, readonly string[]>();
  for (const client of podlets) {
    const doc = client.state?.podmap;
    if (!doc) continue;
    for (const [file, specifiers] of Object.entries(doc.modules)) importsOf.set(new URL(file, doc.baseUrl).href, specifiers);
  }
  const fetchedRoots = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const unknownRoots = new Set<string>();
    const { modules } = collectModuleGraph(entries, map, (url) => {
      const imports = importsOf.get(url);
      const root = imports ? null : parseCdnUrl(url)?.root;
      if (root && !fetchedRoots.has(root)) unknownRoots.add(root);
      return imports;
    });
    if (unknownRoots.size === 0) return modules;
    await Promise.all([...unknownRoots].map((root) => learnImports(root, cdn, importsOf, fetchedRoots)));
  }
  return collectModuleGraph(entries, map, (url) => importsOf.get(url)).modules;
}

/** Records the imports of every module of one package version; a version the CDN lacks is remembered as fetched. */
async function learnImports(
  root: string,
  cdn: CdnClient,
  importsOf: Map<string, readonly string[]>,
  fetchedRoots: Set<string>,
): Promise<void> {
  fetchedRoots.add(root);
  const location = parseCdnUrl(root);
  if (!location) return;
  const meta = await cdn.metadata(location.name, location.version, location.kind);
  for (const [file, info] of Object.entries(meta?.files ?? {})) importsOf.set(new URL(file, root).href, info.imports ?? []);
}
