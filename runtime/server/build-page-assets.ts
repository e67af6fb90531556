import {
  collectModuleGraph,
  composeImportMap,
  packageRootOf,
  planVersions,
  rangeForLine,
  sortImportMap,
  type ImportMap,
  type PodletNeeds,
  type VersionNeed,
  type VersionPlan,
} from '../import-map/index.ts';
import semver from 'semver';
import type { CdnClient } from './cdn-client.ts';
import { PodmapError } from './errors.ts';
import type { PodletClient, PodletState } from './podlet-client.ts';

/** Everything a page's head needs; computed from cached manifests only, never from content. */
export interface PageAssets {
  map: ImportMap;
  /** Every module of the page's graph, by the exact URL the map resolves it to. */
  preloads: Array<{ href: string; integrity?: string }>;
  scripts: Array<{ src: string; type?: string; integrity?: string }>;
  stylesheets: Array<{ href: string; media?: string }>;
  /** Podlets that get their fallback on this page, with the reason. */
  fallbackOnly: Map<string, PodmapError>;
  /** The es-module-shims URL for browsers without import maps, if the CDN has it. */
  shimUrl: string | null;
  shimIntegrity?: string;
}

export interface GlobalMapEntry {
  specifier: string;
  url: string;
}

/** Where layouts find es-module-shims on the CDN unless told otherwise. */
export const DEFAULT_SHIM = { pkg: 'es-module-shims', line: '2', file: 'dist/es-module-shims.js' };

const CDN_PATH = /^\/(npm)\/((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)@([^/]+)\/(.*)$/;

/**
 * Builds a page's import map, preloads, scripts and stylesheets from the podlets' cached
 * state, the global import map and the CDN. Called by the layout when a page is first served
 * and again whenever a podlet's manifest version changes.
 *
 * Global entries that point at the CDN with an alias (`/npm/lit@3/index.js`) count as a need
 * for that line and are pinned to exact versions; other entries pass through. A podlet whose
 * need nothing satisfies is left out of the map and served with its fallback.
 */
export async function buildPageAssets(input: {
  globalMap: ImportMap;
  cdn: CdnClient;
  pagePodlets: PodletClient[];
  allPodlets: PodletClient[];
  shim?: { pkg: string; line: string; file: string };
}): Promise<PageAssets> {
  const { cdn } = input;
  const fallbackOnly = new Map<string, PodmapError>();
  const toNeeds = (client: PodletClient): PodletNeeds | null => {
    const s = client.state;
    if (!s?.podmap) return null;
    return {
      name: client.name,
      base: s.podmap.baseUrl,
      needs: s.podmap.needs,
      exposes: Object.fromEntries(Object.entries(s.podmap.exposes).map(([k, v]) => [k, new URL(v, s.podmap!.baseUrl).href])),
      packageName: s.podmap.package.name,
      packageVersion: s.podmap.package.version,
    };
  };
  // The global map: CDN aliases become needs of the page; anything else is written as it is.
  const passThrough: Record<string, string> = {};
  const globalNeeds: VersionNeed[] = [];
  const globalPins: Array<{ specifier: string; pkg: string; file: string }> = [];
  for (const [specifier, value] of Object.entries(input.globalMap.imports)) {
    const url = new URL(value, cdn.base);
    const match = url.origin === new URL(cdn.base).origin ? CDN_PATH.exec(url.pathname) : null;
    if (!match) {
      passThrough[specifier] = url.href;
      continue;
    }
    const [, , pkg, line, file] = match as unknown as [string, string, string, string, string];
    globalNeeds.push({ podlet: null, pkg, range: /^\d+(\.\d+)?$/.test(line) ? rangeForLine(line) : line });
    globalPins.push({ specifier, pkg, file });
  }

  // Who takes part in the plan: the page's podlets, and every podlet whose exposed package one of
  // them needs (transitively), even when it is not on the page: its exposed module runs here, so
  // it must get the versions it needs, not whatever top-level `imports` holds.
  const known = input.allPodlets.map(toNeeds).filter((n): n is PodletNeeds => n !== null);
  const exposerOf = new Map(known.map((k) => [k.packageName!, k]));
  const pageNames = new Set(input.pagePodlets.map((c) => c.name));
  const inPlan = new Map(known.filter((k) => pageNames.has(k.name)).map((k) => [k.name, k]));
  for (let grew = true; grew;) {
    grew = false;
    for (const podlet of [...inPlan.values()]) {
      for (const pkg of Object.keys(podlet.needs)) {
        const exposer = exposerOf.get(pkg);
        if (exposer && !inPlan.has(exposer.name)) {
          inPlan.set(exposer.name, exposer);
          grew = true;
        }
      }
    }
  }

  const packages = new Set([...globalNeeds.map((n) => n.pkg), ...[...inPlan.values()].flatMap((p) => Object.keys(p.needs))]);
  if (input.shim) packages.add(input.shim.pkg);
  const available: Record<string, string[]> = {};
  await Promise.all(
    [...packages]
      .filter((p) => !exposerOf.has(p))
      .map(async (pkg) => {
        available[pkg] = (await cdn.versions(pkg))?.versions ?? [];
      }),
  );

  const fail = (podlet: string, detail: string) => fallbackOnly.set(podlet, new PodmapError('PODMAP_ERR_NEED_UNSATISFIED', detail));
  let podlets: PodletNeeds[];
  let plan: VersionPlan;
  // Plan, drop the podlets whose needs nothing meets, and plan again until every need is met;
  // a podlet that needs a dropped podlet's exposed module is dropped too.
  for (;;) {
    podlets = [...inPlan.values()].filter((p) => !fallbackOnly.has(p.name));
    let dropped = false;
    for (const podlet of podlets) {
      for (const [pkg, range] of Object.entries(podlet.needs)) {
        const exposer = exposerOf.get(pkg);
        if (!exposer) continue;
        if (fallbackOnly.has(exposer.name) || !semver.satisfies(exposer.packageVersion!, range)) {
          fail(
            podlet.name,
            `${pkg}@${range} for podlet "${podlet.name}": podlet "${exposer.name}" exposes ${exposer.packageVersion}${fallbackOnly.has(exposer.name) ? ' but cannot run' : ''}`,
          );
          dropped = true;
        }
      }
    }
    if (dropped) continue;
    const needs: VersionNeed[] = [
      ...globalNeeds,
      ...podlets.flatMap((p) =>
        Object.entries(p.needs)
          .filter(([pkg]) => !exposerOf.has(pkg))
          .map(([pkg, range]) => ({ podlet: p.name, pkg, range })),
      ),
    ];
    plan = planVersions(needs, available);
    const unmet = plan.unsatisfied.filter((n) => n.podlet !== null);
    if (unmet.length === 0) break;
    for (const need of unmet) fail(need.podlet!, `${need.pkg}@${need.range} for podlet "${need.podlet}"`);
  }
  for (const need of plan.unsatisfied) {
    console.warn(
      `podmap: import-map.json: PODMAP_ERR_NEED_UNSATISFIED: ${need.pkg}@${need.range} is not on the CDN or lost the top-level place`,
    );
  }
  for (const [podlet, error] of fallbackOnly) console.warn(`podmap: podlet "${podlet}": ${error.code}: ${error.message}`);

  const chosen = new Set<string>();
  for (const [pkg, version] of Object.entries(plan.topLevel)) chosen.add(`${pkg}@${version}`);
  for (const versions of Object.values(plan.assigned))
    for (const [pkg, version] of Object.entries(versions)) chosen.add(`${pkg}@${version}`);
  const packageMaps: Record<string, ImportMap> = {};
  await Promise.all(
    [...chosen].map(async (key) => {
      const at = key.lastIndexOf('@');
      packageMaps[key] = await cdn.packageMap(key.slice(0, at), key.slice(at + 1));
    }),
  );
  for (const pin of globalPins) {
    const version = plan.topLevel[pin.pkg];
    if (version && !(pin.specifier in (packageMaps[`${pin.pkg}@${version}`]?.imports ?? {}))) {
      passThrough[pin.specifier] = new URL(`/npm/${pin.pkg}@${version}/${pin.file}`, cdn.base).href;
    }
  }
  const { map, issues } = composeImportMap({ passThrough, plan, packageMaps, podlets, exposers: podlets });
  for (const issue of issues) console.warn(`podmap: podlet "${issue.podlet}": ${issue.code}: ${issue.detail}`);

  const states = input.pagePodlets.filter((c) => c.state && !fallbackOnly.has(c.name)).map((c) => c.state!) as PodletState[];
  const moduleScripts = states.flatMap((s) => s.js.filter((a) => a.type === 'module'));
  const graph = await loadGraph(
    map,
    moduleScripts.map((s) => s.value),
    input.allPodlets,
    cdn,
  );
  // The CDN's maps carry a hash for every file of every package (development and node builds
  // too); the page needs those of the modules it loads, which keeps the map a few KB.
  const inGraph = new Set(graph);
  const integrity = Object.fromEntries(Object.entries(map.integrity ?? {}).filter(([url]) => inGraph.has(url)));
  // Podlet releases on the CDN are immutable too: pin their modules' hashes as well, so a
  // tampered podlet module is refused like a tampered library.
  const cdnOrigin = new URL(cdn.base).origin;
  const releases = new Set(
    graph
      .filter((u) => u.startsWith(`${cdnOrigin}/podlet/`))
      .map((u) => packageRootOf(u))
      .filter((r): r is string => r !== null),
  );
  await Promise.all(
    [...releases].map(async (root) => {
      const match = /\/podlet\/([^/@]+)@([^/]+)\/$/.exec(root);
      const meta = match ? await cdn.metadata(match[1]!, match[2]!, 'podlet') : null;
      for (const [file, info] of Object.entries(meta?.files ?? {})) {
        const url = new URL(file, root).href;
        if (info.integrity && inGraph.has(url)) integrity[url] = info.integrity;
      }
    }),
  );
  if (Object.keys(integrity).length > 0) map.integrity = sortImportMap({ imports: {}, integrity }).integrity;
  else delete map.integrity;
  let shimUrl: string | null = null;
  let shimIntegrity: string | undefined;
  if (input.shim) {
    const versions = await cdn.versions(input.shim.pkg);
    const version = versions?.majors[input.shim.line];
    if (version) {
      shimUrl = new URL(`/npm/${input.shim.pkg}@${version}/${input.shim.file}`, cdn.base).href;
      shimIntegrity = (await cdn.metadata(input.shim.pkg, version))?.files[input.shim.file]?.integrity;
    }
  }
  return {
    map,
    preloads: graph.map((href) => ({ href, integrity: map.integrity?.[href] })),
    scripts: states.flatMap((s) => s.js.map((a) => ({ src: a.value, type: a.type, integrity: a.integrity }))),
    stylesheets: states.flatMap((s) => s.css.map((a) => ({ href: a.value, media: a.media }))),
    fallbackOnly,
    shimUrl,
    shimIntegrity,
  };
}

/** Walks the module graph, asking podlets' podmap.json and the CDN's metadata for each module's imports. */
async function loadGraph(map: ImportMap, entries: string[], podlets: PodletClient[], cdn: CdnClient): Promise<string[]> {
  const known = new Map<string, readonly string[]>();
  for (const client of podlets) {
    const doc = client.state?.podmap;
    if (!doc) continue;
    for (const [file, specifiers] of Object.entries(doc.modules)) known.set(new URL(file, doc.baseUrl).href, specifiers);
  }
  // The CDN part of the graph is learnt package by package: walk, fetch what was missing, walk again.
  for (let round = 0; round < 20; round++) {
    const missing = new Set<string>();
    const { modules } = collectModuleGraph(entries, map, (url) => {
      const hit = known.get(url);
      if (!hit && packageRootOf(url)) missing.add(packageRootOf(url)!);
      return hit;
    });
    const fetched = [...missing].filter((root) => !known.has(`${root}#fetched`));
    if (fetched.length === 0) return modules;
    await Promise.all(
      fetched.map(async (root) => {
        known.set(`${root}#fetched`, []);
        const match = CDN_PATH.exec(new URL(root).pathname + 'x');
        if (!match) return;
        const meta = await cdn.metadata(match[2]!, match[3]!);
        for (const [file, info] of Object.entries(meta?.files ?? {})) known.set(new URL(file, root).href, info.imports ?? []);
      }),
    );
  }
  return collectModuleGraph(entries, map, (url) => known.get(url)).modules;
}
