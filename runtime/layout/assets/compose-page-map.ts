import {
  composeImportMapSteps,
  planPage,
  resolveGlobalPins,
  trimImportMap,
  type GlobalMapReading,
  type ImportMap,
  type PagePlan,
  type PodletNeeds,
  type VersionNeed,
} from '../../import-map/index.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnClient } from './create-cdn-client.ts';
import { runSliced, type TimeSlicer } from './create-time-slicer.ts';
import { explainUnresolvedImports } from './explain-unresolved-imports.ts';
import { fetchAvailableVersions } from './fetch-available-versions.ts';
import { fetchPackageMaps } from './fetch-package-maps.ts';
import { applyShakenBuilds } from './fetch-shaken-builds.ts';
import type { ShakenAnswer } from '../../shared/cdn-protocol/shaken-builds.ts';
import { DYNAMIC_IMPORTS, loadModuleGraph, type GraphRoot, type ModuleIndex, type PageGraph } from './load-module-graph.ts';

/** The owner of the global import-map.json's roots in the graph, and its name in log lines. */
const GLOBAL = 'import-map.json';

/** Each round leaves out at least one podlet or one version; this many means something is wrong. */
const MAX_ROUNDS = 100;

/** What composePageMap() works from: the page's podlets as the layout read them, the global map, the CDN. */
export interface PageMapInput {
  cdn: CdnClient;
  global: GlobalMapReading;
  /** The podlets in the plan: the page's, and every podlet whose exposed package they need. */
  inPlan: readonly PodletNeeds[];
  exposers: ReadonlyMap<string, PodletNeeds>;
  /** The page's podlets in page order, with the URLs of their entry modules and of their modules' dynamic imports (…DYNAMIC_IMPORTS). */
  entries: ReadonlyArray<{ name: string; urls: readonly string[]; dynamic?: readonly string[] }>;
  /** The imports of known modules, shared by every round of this build. */
  index: ModuleIndex;
  /** Pauses for the event loop between pieces of work. */
  slice: TimeSlicer;
  /** Where the page's problems are logged (default console.warn). */
  warn?: (line: string) => void;
  /** Return the untrimmed map too (PageMap.fullMap), for layouts with overrides on. */
  keepFullMap?: boolean;
  /** The CDN's answer about the site's shaken builds; null: the full builds (docs/shaken-builds.md). */
  shaken?: ShakenAnswer | null;
}

/** A settled page: its trimmed map, its module graph and the podlets that cannot run on it. */
export interface PageMap {
  /** The page's map, trimmed to what its graph uses; without integrity (the caller selects it). */
  map: ImportMap;
  /** With `keepFullMap`: the map before trimming, `imports` and `scopes` only. */
  fullMap?: ImportMap;
  graph: PageGraph;
  /** The hashes of every CDN module of the chosen package maps, to select from. */
  integrity: Record<string, string>;
  /** Podlets that get their fallback, with the reason (each has been logged). */
  fallbackOnly: Map<string, PodmapError>;
}

/**
 * Plans a page's versions, composes its map, walks its module graph and trims the map to it,
 * leaving out the podlets that cannot run and planning again without them until nothing more
 * fails. A podlet is left out (and served its fallback) when a need has no version on the CDN
 * (PODMAP_ERR_NEED_UNSATISFIED), when the CDN refuses with a 4xx a package it needs or the map
 * of the version chosen for it (PODMAP_ERR_CDN_REFUSED, with the CDN's own code), or when its
 * graph imports a specifier the map cannot resolve (PODMAP_ERR_SPECIFIER_UNRESOLVED); a podlet
 * that needs a left-out podlet's exposed package follows it. A network failure or 5xx of the CDN
 * rejects, for the whole page. Every problem is logged once, with its code, when the page settles.
 */
export async function composePageMap(input: PageMapInput): Promise<PageMap> {
  const fallbackOnly = new Map<string, PodmapError>();
  const problems: string[] = [];
  const { available, globalNeeds } = await fetchVersions(input, fallbackOnly, problems);
  const excluded = new Map<string, Set<string>>();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    // Planning, like trimming below, is a few ms in one piece: start each on a fresh slice.
    await input.slice.pause();
    const reasons = new Map([...fallbackOnly].map(([name, error]) => [name, error.detail ?? error.message]));
    const page = planPage({
      podlets: input.inPlan,
      exposers: input.exposers,
      globalNeeds,
      available: less(available, excluded),
      excluded: reasons,
    });
    for (const [name, why] of page.dropped)
      if (!fallbackOnly.has(name)) fallbackOnly.set(name, new PodmapError('PODMAP_ERR_NEED_UNSATISFIED', why));
    const { maps, refused } = await fetchPackageMaps(input.cdn, page.plan);
    if (refused.length > 0) {
      // Planned again without those versions: their podlets get their fallback, nobody else gets them.
      excludeRefusedMaps(refused, page, excluded, fallbackOnly, problems);
      continue;
    }
    const shaken = applyShakenBuilds(maps, input.shaken ?? null, input.cdn);
    input.index.addFiles(shaken.files);
    const composed = await composeMap(input, page, shaken.maps);
    const graph = await loadModuleGraph(composed.map, graphRoots(input, page, composed.map, fallbackOnly), input.index, input.slice);
    const broken = await leaveOutBrokenGraphs(graph, composed.map, input.cdn, fallbackOnly);
    if (broken.leftOut) continue;
    logProblems(problems, broken.globalProblems, composed.issues, page, fallbackOnly, input.warn ?? console.warn);
    const keep = [...globalSpecifiers(input.global), ...page.podlets.flatMap((p) => Object.keys(p.exposes))];
    await input.slice.pause();
    const map = trimImportMap(composed.map, graph.uses, keep);
    const integrity = composed.map.integrity ?? {};
    if (!input.keepFullMap) return { map, graph, integrity, fallbackOnly };
    const { imports, scopes } = composed.map;
    return { map, fullMap: scopes ? { imports, scopes } : { imports }, graph, integrity, fallbackOnly };
  }
  throw new PodmapError('PODMAP_ERR_INTERNAL', `planning the page did not settle in ${MAX_ROUNDS} rounds`);
}

/** Leaves each refused package map's version out of the next round, and puts the podlets that were given it on their fallbacks. */
function excludeRefusedMaps(
  refused: Awaited<ReturnType<typeof fetchPackageMaps>>['refused'],
  page: PagePlan,
  excluded: Map<string, Set<string>>,
  fallbackOnly: Map<string, PodmapError>,
  problems: string[],
): void {
  for (const { pkg, version, refusal } of refused) {
    (excluded.get(pkg) ?? excluded.set(pkg, new Set()).get(pkg)!).add(version);
    const users = Object.entries(page.plan.assigned).filter(([, versions]) => versions[pkg] === version);
    for (const [name] of users) fallbackOnly.set(name, refusal.about(`${pkg}@${version}`));
    if (users.length === 0) problems.push(`podmap: ${GLOBAL}: ${refusal.about(`${pkg}@${version}`).code}: ${refusal.message}`);
  }
}

/** The page's import map from its plan and package maps, with the global map's pins resolved against the plan. */
async function composeMap(input: PageMapInput, page: PagePlan, maps: Awaited<ReturnType<typeof fetchPackageMaps>>['maps']) {
  const passThrough = {
    ...input.global.passThrough,
    ...resolveGlobalPins(input.global.pins, page.plan.topLevel, maps, (pkg, version, file) => input.cdn.fileUrl('npm', pkg, version, file)),
  };
  return runSliced(
    composeImportMapSteps(
      { passThrough, plan: page.plan, packageMaps: maps, podlets: page.podlets, exposers: page.podlets },
      { sort: false },
    ),
    input.slice,
  );
}

/** Logs, once the page has settled, every problem of its build: the global map's, the composer's and each left-out podlet's. */
function logProblems(
  problems: string[],
  globalProblems: readonly string[],
  issues: ReadonlyArray<{ podlet: string; code: string; detail: string }>,
  page: PagePlan,
  fallbackOnly: ReadonlyMap<string, PodmapError>,
  warn: (line: string) => void,
): void {
  problems.push(...globalProblems);
  for (const issue of issues) problems.push(`podmap: podlet "${issue.podlet}": ${issue.code}: ${issue.detail}`);
  for (const need of page.plan.unsatisfied.filter((n) => n.podlet === null)) {
    problems.push(
      `podmap: ${GLOBAL}: PODMAP_ERR_NEED_UNSATISFIED: ${need.pkg}@${need.range} is not on the CDN or lost the top-level place`,
    );
  }
  for (const [name, error] of fallbackOnly) problems.push(`podmap: podlet "${name}": ${error.code}: ${error.message}`);
  for (const line of problems) warn(line);
}

/** The version lists of every package in the plan; a package the CDN refuses takes its podlets out. */
async function fetchVersions(
  input: PageMapInput,
  fallbackOnly: Map<string, PodmapError>,
  problems: string[],
): Promise<{ available: Record<string, string[]>; globalNeeds: VersionNeed[] }> {
  const packages = [...input.global.needs.map((n) => n.pkg), ...input.inPlan.flatMap((p) => Object.keys(p.needs))];
  const { available, refused } = await fetchAvailableVersions(
    input.cdn,
    packages.filter((p) => !input.exposers.has(p)),
  );
  for (const podlet of input.inPlan) {
    for (const [pkg, range] of Object.entries(podlet.needs)) {
      const refusal = refused.get(pkg);
      if (refusal && !fallbackOnly.has(podlet.name)) fallbackOnly.set(podlet.name, refusal.about(`${pkg}@${range}`));
    }
  }
  for (const need of input.global.needs.filter((n) => refused.has(n.pkg))) {
    problems.push(`podmap: ${GLOBAL}: PODMAP_ERR_CDN_REFUSED: ${refused.get(need.pkg)!.about(`${need.pkg}@${need.range}`).message}`);
  }
  return { available, globalNeeds: input.global.needs.filter((n) => !refused.has(n.pkg)) };
}

/** `available` without the versions whose package map the CDN refused. */
function less(available: Record<string, string[]>, excluded: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  if (excluded.size === 0) return available;
  const out = { ...available };
  for (const [pkg, versions] of excluded) out[pkg] = (out[pkg] ?? []).filter((v) => !versions.has(v));
  return out;
}

/** Where the walk starts: each running page podlet's entry modules, its exposed modules, and the global map's entries. */
function graphRoots(input: PageMapInput, page: PagePlan, map: ImportMap, fallbackOnly: ReadonlyMap<string, PodmapError>): GraphRoot[] {
  const running = input.entries.filter((e) => !fallbackOnly.has(e.name));
  const roots: GraphRoot[] = running.map((e) => ({ owner: e.name, urls: e.urls, preload: true }));
  // Mapped, never preloaded, and what they cannot resolve is only a warning (leaveOutBrokenGraphs).
  for (const e of running) if (e.dynamic?.length) roots.push({ owner: e.name + DYNAMIC_IMPORTS, urls: e.dynamic, preload: false });
  for (const podlet of page.podlets) {
    // An exposed module is mapped whether or not a page module imports it, so its imports must be too.
    const urls = Object.entries(podlet.exposes).flatMap(([specifier, url]) => (map.imports[specifier] === url ? [url] : []));
    if (urls.length > 0) roots.push({ owner: podlet.name, urls, preload: false });
  }
  const globals = globalSpecifiers(input.global).flatMap((s) => (Object.hasOwn(map.imports, s) ? [map.imports[s]!] : []));
  if (globals.length > 0) roots.push({ owner: GLOBAL, urls: globals, preload: false });
  return roots;
}

function globalSpecifiers(global: GlobalMapReading): string[] {
  return [...Object.keys(global.passThrough), ...global.pins.map((p) => p.specifier)];
}

/**
 * Puts podlets whose graph cannot resolve an import, or reaches a version the CDN refuses to
 * describe, on their fallbacks; true if it did. The global map's own problems are only reported.
 */
async function leaveOutBrokenGraphs(
  graph: PageGraph,
  map: ImportMap,
  cdn: CdnClient,
  fallbackOnly: Map<string, PodmapError>,
): Promise<{ leftOut: boolean; globalProblems: string[] }> {
  const result = { leftOut: false, globalProblems: [] as string[] };
  const leaveOut = (owner: string, error: PodmapError) => {
    if (owner.endsWith(DYNAMIC_IMPORTS)) {
      // A podlet's own import() calls, or a CDN module's (its URL): mapped when they can be, never fatal.
      const who = owner.slice(0, -DYNAMIC_IMPORTS.length);
      const detail = (error.detail ?? error.message).replaceAll(DYNAMIC_IMPORTS, ' (its import())');
      const label = who.includes('://') ? `module ${JSON.stringify(who)}` : `podlet ${JSON.stringify(who)}`;
      result.globalProblems.push(`podmap: ${label}: PODMAP_ERR_DYNAMIC_IMPORT_UNRESOLVED: ${detail}`);
    } else if (owner === GLOBAL) result.globalProblems.push(`podmap: ${GLOBAL}: ${error.code}: ${error.message}`);
    else if (!fallbackOnly.has(owner)) {
      fallbackOnly.set(owner, error);
      result.leftOut = true;
    }
  };
  for (const [owner, unresolved] of graph.unresolved) leaveOut(owner, await explainUnresolvedImports(unresolved, map, cdn));
  for (const [owner, refusal] of graph.refused) leaveOut(owner, refusal.about('the metadata of a package version its modules import'));
  return result;
}
