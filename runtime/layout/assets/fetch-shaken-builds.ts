import semver from 'semver';
import type { ImportMap } from '../../import-map/index.ts';
import { parseCdnUrl } from '../../shared/cdn-protocol/cdn-urls.ts';
import type { ShakenAnswer, ShakenRequest, ShakenRoots } from '../../shared/cdn-protocol/shaken-builds.ts';
import { PodmapError } from '../../shared/errors.ts';
import { mergeImportedNames } from '../../shared/read-imported-names.ts';
import type { PodmapDocument } from '../../shared/validate-podmap-document.ts';
import type { CdnClient } from './create-cdn-client.ts';
import { addModuleImports } from './load-module-graph.ts';

/** What the site request is made from: every podlet's podmap.json, the packages podlets expose, the global map's needs. */
export interface ShakenSiteInput {
  cdn: CdnClient;
  documents: readonly PodmapDocument[];
  /** Package names podlets expose: served from their releases, never built by the CDN. */
  exposed: ReadonlySet<string>;
  /** Packages the global import-map.json maps (by compatibility line): nothing says which names, so all of them. */
  globalNeeds: ReadonlyArray<{ pkg: string; range: string }>;
  warn: (line: string) => void;
}

/**
 * Asks the CDN where the site's shaken builds are (docs/shaken-builds.md): one request for the
 * whole site (every registered podlet, not one page's), so a package's URL is the same on every
 * page. Each podlet's need counts toward the newest version of the CDN that satisfies its range
 * (the version planning gives it unless another podlet's range holds it back: then that page
 * finds the version missing from the answer and maps full builds); a podlet whose podmap.json
 * does not list its imported names, and the global map's packages, take everything. Every version
 * the package maps of those versions reach is listed too, so the CDN can add what they take from
 * each other. Never fails a page: a CDN without the endpoint answers null, any other failure is
 * logged and answered null, and the page maps the full builds.
 */
export async function fetchShakenBuilds(input: ShakenSiteInput): Promise<ShakenAnswer | null> {
  try {
    const request = await siteRequest(input);
    return Object.keys(request.packages).length === 0 ? null : await input.cdn.shaken(request);
  } catch (error) {
    const known = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_INTERNAL', String(error));
    input.warn(`podmap: shaken builds: ${known.code}: ${known.message} (pages map the full builds)`);
    return null;
  }
}

async function siteRequest(input: ShakenSiteInput): Promise<ShakenRequest> {
  const packages: Record<string, ShakenRoots> = {};
  const versionOf = async (pkg: string, range: string): Promise<string | null> => {
    if (input.exposed.has(pkg)) return null;
    const list = await input.cdn.versions(pkg).catch(() => null);
    return list ? semver.maxSatisfying(list.versions, range) : null;
  };
  for (const doc of input.documents) {
    for (const [pkg, range] of Object.entries(doc.needs)) {
      const version = await versionOf(pkg, range);
      if (version) addRoots(packages, `${pkg}@${version}`, pkg, doc);
    }
  }
  for (const { pkg, range } of input.globalNeeds) {
    const version = await versionOf(pkg, range);
    if (version) packages[`${pkg}@${version}`] = '*';
  }
  for (const key of Object.keys(packages)) {
    const at = key.lastIndexOf('@');
    const map = await input.cdn.packageMap(key.slice(0, at), key.slice(at + 1)).catch(() => null);
    for (const reached of map ? npmVersionsIn(map) : []) packages[reached] ??= {};
  }
  return { packages };
}

/** Adds what one podlet imports from `pkg` to the roots of `key`: its names by subpath, or everything. */
function addRoots(packages: Record<string, ShakenRoots>, key: string, pkg: string, doc: PodmapDocument): void {
  const current = packages[key];
  if (current === '*') return;
  if (!doc.importedNames) {
    packages[key] = '*';
    return;
  }
  const roots = current ?? {};
  for (const [specifier, names] of Object.entries(doc.importedNames)) {
    const subpath = specifier === pkg ? '.' : specifier.startsWith(`${pkg}/`) ? `.${specifier.slice(pkg.length)}` : null;
    if (subpath !== null) roots[subpath] = mergeImportedNames(Object.hasOwn(roots, subpath) ? roots[subpath] : undefined, names);
  }
  packages[key] = roots;
}

/** "name@version" of every npm package version a map's URLs point into. */
function npmVersionsIn(map: ImportMap): Set<string> {
  const found = new Set<string>();
  const add = (url: string) => {
    const location = parseCdnUrl(url);
    if (location?.kind === 'npm') found.add(`${location.name}@${location.version}`);
  };
  for (const url of Object.values(map.imports)) add(url);
  for (const [scope, entries] of Object.entries(map.scopes ?? {})) {
    add(scope);
    for (const url of Object.values(entries)) add(url);
  }
  return found;
}

/**
 * The package maps with the ready shaken builds of `answer` in place of the full builds' files,
 * their files' hashes added, and the imports of every shaken file by URL (for the module
 * graph). Only when the answer covers every npm package version the maps reach: a version it
 * does not know may import any name from the others, so then the page keeps the full builds.
 */
export function applyShakenBuilds(
  maps: Record<string, ImportMap>,
  answer: ShakenAnswer | null,
  cdn: CdnClient,
): { maps: Record<string, ImportMap>; files: Map<string, readonly string[]> } {
  const files = new Map<string, readonly string[]>();
  if (!answer) return { maps, files };
  const reached = new Set(Object.values(maps).flatMap((map) => [...npmVersionsIn(map)]));
  if ([...reached].some((key) => !Object.hasOwn(answer.builds, key))) return { maps, files };
  const replace = new Map<string, string>();
  const integrity: Record<string, string> = {};
  for (const [key, state] of Object.entries(answer.builds)) {
    if (state.status !== 'ready' || !reached.has(key)) continue;
    const at = key.lastIndexOf('@');
    const root = cdn.fileUrl('npm', key.slice(0, at), key.slice(at + 1));
    // Only files inside the version's own folder: an answer cannot point the map anywhere else.
    const inside = (file: string) => (new URL(file, root).href.startsWith(root) ? new URL(file, root).href : null);
    for (const [full, shaken] of Object.entries(state.replaces)) {
      const [from, to] = [inside(full), inside(shaken)];
      if (from && to) replace.set(from, to);
    }
    for (const [file, entry] of Object.entries(state.files)) {
      const url = inside(file);
      if (!url) continue;
      addModuleImports(files, url, entry);
      integrity[url] = entry.integrity;
    }
  }
  if (replace.size === 0) return { maps, files };
  const swap = (record: Record<string, string>) =>
    Object.fromEntries(Object.entries(record).map(([specifier, url]) => [specifier, replace.get(url) ?? url]));
  const out: Record<string, ImportMap> = {};
  for (const [key, map] of Object.entries(maps)) {
    const scopes = Object.fromEntries(Object.entries(map.scopes ?? {}).map(([scope, record]) => [scope, swap(record)]));
    out[key] = { imports: swap(map.imports), scopes, integrity: { ...map.integrity, ...integrity } };
  }
  return { maps: out, files };
}
