import {
  closeOverExposers,
  composeImportMap,
  exposersByPackage,
  planPage,
  readGlobalMap,
  resolveGlobalPins,
  selectIntegrity,
  type ImportMap,
  type PodletNeeds,
  type VersionPlan,
} from '../import-map/index.ts';
import { parseCdnUrl } from '../shared/cdn-protocol/cdn-urls.ts';
import { PodmapError } from '../shared/errors.ts';
import type { CdnClient } from './create-cdn-client.ts';
import type { PodletClient } from './create-podlet-client.ts';
import { loadModuleGraph } from './load-module-graph.ts';
import type { PageAssets, ShimLocation } from './page-assets.ts';

export interface PageAssetsInput {
  globalMap: ImportMap;
  cdn: CdnClient;
  /** The podlets on the page, in page order. */
  pagePodlets: PodletClient[];
  /** Every registered podlet: an exposed module may come from one that is not on the page. */
  allPodlets: PodletClient[];
  shim?: ShimLocation;
}

/**
 * Builds a page's import map, preloads, scripts and stylesheets from the podlets' cached state,
 * the global import map and the CDN. Called by the page composer when a page is first served,
 * when a podlet's manifest version changes, and in the background when the assets are old.
 *
 * Each step is a function below; the pure ones (reading the global map, planning, composing,
 * choosing integrity) live in import-map/ and are tested without a network. A podlet whose need
 * nothing satisfies is left out of the map and served with its fallback.
 */
export async function buildPageAssets(input: PageAssetsInput): Promise<PageAssets> {
  const { cdn } = input;
  const global = readGlobalMap(input.globalMap, cdn.base);
  const known = input.allPodlets.map(podletNeedsOf).filter((n): n is PodletNeeds => n !== null);
  const exposers = exposersByPackage(known);
  const inPlan = closeOverExposers(new Set(input.pagePodlets.map((c) => c.name)), known);

  const packages = [...global.needs.map((n) => n.pkg), ...inPlan.flatMap((p) => Object.keys(p.needs))];
  const available = await fetchAvailableVersions(
    cdn,
    packages.filter((p) => !exposers.has(p)),
  );
  const { plan, podlets, dropped } = planPage({ podlets: inPlan, exposers, globalNeeds: global.needs, available });
  const fallbackOnly = new Map([...dropped].map(([name, detail]) => [name, new PodmapError('PODMAP_ERR_NEED_UNSATISFIED', detail)]));
  logPlanProblems(plan, fallbackOnly);

  const packageMaps = await fetchPackageMaps(cdn, plan);
  const passThrough = {
    ...global.passThrough,
    ...resolveGlobalPins(global.pins, plan.topLevel, packageMaps, (pkg, version, file) => cdn.fileUrl('npm', pkg, version, file)),
  };
  const { map, issues } = composeImportMap({ passThrough, plan, packageMaps, podlets, exposers: podlets });
  for (const issue of issues) console.warn(`podmap: podlet "${issue.podlet}": ${issue.code}: ${issue.detail}`);

  const states = input.pagePodlets.flatMap((c) => (c.state && !fallbackOnly.has(c.name) ? [c.state] : []));
  const entries = states.flatMap((s) => s.js.filter((a) => a.type === 'module').map((a) => a.value));
  const graph = await loadModuleGraph(map, entries, input.allPodlets, cdn);
  const integrity = selectIntegrity(graph, await fetchReleaseIntegrity(cdn, graph), map.integrity);
  if (integrity) map.integrity = integrity;
  else delete map.integrity;
  return {
    map,
    preloads: graph.map((href) => ({ href, integrity: integrity?.[href] })),
    scripts: states.flatMap((s) => s.js.map((a) => ({ src: a.value, type: a.type, integrity: a.integrity }))),
    stylesheets: states.flatMap((s) => s.css.map((a) => ({ href: a.value, media: a.media }))),
    fallbackOnly,
    ...(input.shim ? await findShim(cdn, input.shim) : { shimUrl: null }),
  };
}

/** What a podlet asks of the map, from its podmap.json with URLs made absolute; null for a plain Podium podlet. */
function podletNeedsOf(client: PodletClient): PodletNeeds | null {
  const doc = client.state?.podmap;
  if (!doc) return null;
  return {
    name: client.name,
    base: doc.baseUrl,
    needs: doc.needs,
    exposes: Object.fromEntries(Object.entries(doc.exposes).map(([k, v]) => [k, new URL(v, doc.baseUrl).href])),
    packageName: doc.package.name,
    packageVersion: doc.package.version,
  };
}

/** package → the versions the CDN has (none if it does not have the package). */
async function fetchAvailableVersions(cdn: CdnClient, packages: string[]): Promise<Record<string, string[]>> {
  const unique = [...new Set(packages)];
  const lists = await Promise.all(unique.map(async (pkg) => (await cdn.versions(pkg))?.versions ?? []));
  return Object.fromEntries(unique.map((pkg, i) => [pkg, lists[i] ?? []]));
}

function logPlanProblems(plan: VersionPlan, fallbackOnly: ReadonlyMap<string, PodmapError>): void {
  for (const need of plan.unsatisfied) {
    console.warn(
      `podmap: import-map.json: PODMAP_ERR_NEED_UNSATISFIED: ${need.pkg}@${need.range} is not on the CDN or lost the top-level place`,
    );
  }
  for (const [podlet, error] of fallbackOnly) console.warn(`podmap: podlet "${podlet}": ${error.code}: ${error.message}`);
}

/** "name@version" → the CDN's import map of that package, for every version the plan chose. */
async function fetchPackageMaps(cdn: CdnClient, plan: VersionPlan): Promise<Record<string, ImportMap>> {
  const chosen = new Map<string, { pkg: string; version: string }>();
  const add = (versions: Record<string, string>) => {
    for (const [pkg, version] of Object.entries(versions)) chosen.set(`${pkg}@${version}`, { pkg, version });
  };
  add(plan.topLevel);
  Object.values(plan.assigned).forEach(add);
  const maps = await Promise.all([...chosen].map(async ([key, { pkg, version }]) => [key, await cdn.packageMap(pkg, version)] as const));
  return Object.fromEntries(maps);
}

/**
 * The hashes of the podlet-release modules in the graph. Releases on the CDN are immutable like
 * libraries, so their modules are pinned too, and a tampered podlet module is refused.
 */
async function fetchReleaseIntegrity(cdn: CdnClient, graph: readonly string[]): Promise<Record<string, string>> {
  const releases = new Map(
    graph.flatMap((url) => {
      const location = url.startsWith(cdn.base) ? parseCdnUrl(url) : null;
      return location?.kind === 'podlet' ? [[location.root, location] as const] : [];
    }),
  );
  const hashes: Record<string, string> = {};
  await Promise.all(
    [...releases.values()].map(async ({ root, name, version }) => {
      const meta = await cdn.metadata(name, version, 'podlet');
      for (const [file, info] of Object.entries(meta?.files ?? {})) hashes[new URL(file, root).href] = info.integrity;
    }),
  );
  return hashes;
}

/** es-module-shims' URL and hash: the newest version of its line on the CDN, or null if there is none. */
async function findShim(cdn: CdnClient, shim: ShimLocation): Promise<Pick<PageAssets, 'shimUrl' | 'shimIntegrity'>> {
  const version = (await cdn.versions(shim.pkg))?.majors[shim.line];
  if (!version) return { shimUrl: null };
  const shimIntegrity = (await cdn.metadata(shim.pkg, version))?.files[shim.file]?.integrity;
  return { shimUrl: cdn.fileUrl('npm', shim.pkg, version, shim.file), shimIntegrity };
}
