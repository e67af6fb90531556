import {
  closeOverExposers,
  exposersByPackage,
  readGlobalMap,
  selectIntegrity,
  type ImportMap,
  type NamespaceRefusal,
  type PodletNeeds,
} from '../../import-map/index.ts';
import { applyNamespaceGrants } from './apply-namespace-grants.ts';
import { parseCdnUrl } from '../../shared/cdn-protocol/cdn-urls.ts';
import { composePageMap } from './compose-page-map.ts';
import { CdnRefusal, type CdnClient } from './create-cdn-client.ts';
import type { PodletClient } from '../podlets/create-podlet-client.ts';
import { createTimeSlicer } from './create-time-slicer.ts';
import { findHydrateScripts } from './find-hydrate-scripts.ts';
import { createModuleIndex, DYNAMIC_IMPORTS } from './load-module-graph.ts';
import { fetchShakenBuilds } from './fetch-shaken-builds.ts';
import type { PageAssets, ShimLocation } from './page-assets.ts';

export interface PageAssetsInput {
  globalMap: ImportMap;
  cdn: CdnClient;
  /** The podlets on the page, in page order. */
  pagePodlets: PodletClient[];
  /** Every registered podlet: an exposed module may come from one that is not on the page. */
  allPodlets: PodletClient[];
  shim?: ShimLocation;
  /** Podlet name → package names the layout grants it beyond its own (createLayout's `namespaces`). */
  namespaces?: Readonly<Record<string, readonly string[]>>;
  /** Where refusals and the page's problems are logged (default console.warn); the page composer passes one that limits repeats. */
  warn?: (line: string) => void;
  /** Keep the untrimmed map in the assets (PageAssets.fullMap): for layouts with overrides on. */
  keepFullMap?: boolean;
}

/**
 * Builds a page's import map, preloads, scripts and stylesheets from the podlets' cached state,
 * the global import map and the CDN. Called by the page composer when a page is first served,
 * when a podlet's manifest version changes, and in the background when the assets are old.
 *
 * Each step is a function; the pure ones (reading the global map, planning, composing, trimming,
 * choosing integrity) live in import-map/ and are tested without a network. composePageMap()
 * plans, composes and walks the page until every podlet left runs, and trims the map to the
 * entries the page's graph uses; a podlet that cannot run is left out of the map and served with
 * its fallback. Long loops pause for the event loop every few ms, so requests are served while a
 * page is rebuilt in the background. A network failure or 5xx of the CDN rejects.
 */
export async function buildPageAssets(input: PageAssetsInput): Promise<PageAssets> {
  const { cdn } = input;
  const slice = createTimeSlicer();
  const global = readGlobalMap(input.globalMap, cdn.base);
  const claims = input.allPodlets.map(podletNeedsOf).filter((n): n is PodletNeeds => n !== null);
  // Before planning: a podlet adds entries only inside the namespaces it owns, on every page.
  const { podlets: known, refusals } = await applyNamespaceGrants({
    cdn,
    global,
    clients: input.allPodlets,
    known: claims,
    granted: input.namespaces,
  });
  const exposers = exposersByPackage(known);
  const pageNames = new Set(input.pagePodlets.map((c) => c.name));
  const inPlan = closeOverExposers(pageNames, known);
  logRefusals(refusals, inPlan, pageNames, input.warn ?? ((line) => console.warn(line)));
  const entries = input.pagePodlets.map((c) => ({ name: c.name, urls: moduleScripts(c), dynamic: dynamicImportUrls(c) }));
  const index = createModuleIndex(input.allPodlets, cdn);
  const documents = input.allPodlets.flatMap((c) => (c.state?.podmap ? [c.state.podmap] : []));
  const warn = input.warn ?? ((line: string) => console.warn(line));
  const shaken = await fetchShakenBuilds({ cdn, documents, exposed: new Set(exposers.keys()), globalNeeds: global.needs, warn });
  const { keepFullMap } = input;
  const page = await composePageMap({ cdn, global, inPlan, exposers, entries, index, slice, warn: input.warn, shaken, keepFullMap });

  for (const client of input.pagePodlets) {
    if (client.state?.podmapRefused) page.fallbackOnly.set(client.name, client.state.podmapRefused);
  }
  const running = input.pagePodlets.flatMap((c) => (c.state && !page.fallbackOnly.has(c.name) ? [{ name: c.name, state: c.state }] : []));
  const states = running.map((r) => r.state);
  const releaseHashes = await fetchReleaseIntegrity(cdn, page.graph.modules);
  await slice.pause();
  const integrity = selectIntegrity(page.graph.modules, releaseHashes, page.integrity);
  const map: ImportMap = integrity ? { ...page.map, integrity } : page.map;
  return {
    map,
    ...(page.fullMap ? { fullMap: page.fullMap } : {}),
    preloads: page.graph.preloads.map((href) => ({ href, integrity: integrity?.[href] })),
    hydrate: findHydrateScripts(running, map, warn),
    scripts: states.flatMap((s) => s.js.map((a) => ({ src: a.value, type: a.type, integrity: a.integrity }))),
    stylesheets: states.flatMap((s) => s.css.map((a) => ({ href: a.value, media: a.media }))),
    fallbackOnly: page.fallbackOnly,
    styleHashes: [...new Set(states.flatMap((s) => s.podmap?.styleHashes ?? []))].sort(),
    ...(input.shim ? await findShim(cdn, input.shim) : { shimUrl: null }),
    ...(Object.values(shaken?.builds ?? {}).some((b) => b.status === 'pending') ? { shakenPending: true } : {}),
  };
}

/** The URLs of a podlet's module scripts: where its graph starts. */
function moduleScripts(client: PodletClient): string[] {
  return (client.state?.js ?? []).filter((a) => a.type === 'module').map((a) => a.value);
}

/** The URLs standing for the dynamic imports of a podlet's modules (load-module-graph.ts, DYNAMIC_IMPORTS). */
function dynamicImportUrls(client: PodletClient): string[] {
  const doc = client.state?.podmap;
  return Object.keys(doc?.dynamicImports ?? {}).map((file) => new URL(file, doc!.baseUrl).href + DYNAMIC_IMPORTS);
}

/**
 * Logs each refusal that matters to this page, once per build: those of its podlets and of the
 * podlets in its plan, and a claim on a package one of them needs that was refused to everyone
 * who claimed it (so a page that lost an exposed package names the podlets that fought over it).
 * A claim refused because another podlet owns the name (PODMAP_ERR_NAMESPACE_OWNED) costs a page
 * without the intruder nothing, so only the intruder's own pages log it.
 */
function logRefusals(
  refusals: readonly NamespaceRefusal[],
  inPlan: readonly PodletNeeds[],
  pageNames: ReadonlySet<string>,
  warn: NonNullable<PageAssetsInput['warn']>,
): void {
  const names = new Set([...pageNames, ...inPlan.map((p) => p.name)]);
  const needed = new Set(inPlan.flatMap((p) => Object.keys(p.needs)));
  for (const refusal of refusals) {
    const lostNeed = refusal.code === 'PODMAP_ERR_NAMESPACE_DENIED' && refusal.pkg !== undefined && needed.has(refusal.pkg);
    if (names.has(refusal.podlet) || lostNeed) warn(`podmap: podlet "${refusal.podlet}": ${refusal.code}: ${refusal.detail}`);
  }
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
      const meta = await cdn.metadata(name, version, 'podlet').catch(refusedAs(null, `podlet release ${name}@${version}`));
      for (const [file, info] of Object.entries(meta?.files ?? {})) hashes[new URL(file, root).href] = info.integrity;
    }),
  );
  return hashes;
}

/** A handler for a CDN refusal that logs it and answers `value` (the page does without); anything else rethrows. */
function refusedAs<T>(value: T, what: string): (error: unknown) => T {
  return (error) => {
    if (!(error instanceof CdnRefusal)) throw error;
    console.warn(`podmap: ${what}: ${error.code}: ${error.message}`);
    return value;
  };
}

/** es-module-shims' URL and hash: the newest version of its line on the CDN, or null if there is none. */
async function findShim(cdn: CdnClient, shim: ShimLocation): Promise<Pick<PageAssets, 'shimUrl' | 'shimIntegrity'>> {
  const version = (await cdn.versions(shim.pkg).catch(refusedAs(null, shim.pkg)))?.majors[shim.line];
  if (!version) return { shimUrl: null };
  const shimIntegrity = (await cdn.metadata(shim.pkg, version).catch(refusedAs(null, shim.pkg)))?.files[shim.file]?.integrity;
  return { shimUrl: cdn.fileUrl('npm', shim.pkg, version, shim.file), shimIntegrity };
}
