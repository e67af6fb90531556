import { createHash } from 'node:crypto';
import semver from 'semver';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import type { ShakenRequest, ShakenRoots } from '../../shared/cdn-protocol/shaken-builds.ts';
import { mergeImportedNames, type ImportedNames } from '../../shared/read-imported-names.ts';
import type { StoredShakenBuild } from '../store/shaken-build-store.ts';

/** What the planner reads from the store and the build queue. */
export interface ShakenPlanSources {
  /** The metadata of "name@version", or null when the store lacks it. */
  metadata(name: string, version: string): Promise<VersionMetadata | null>;
  /** A stored shaken build, or null. */
  stored(name: string, version: string, id: string): Promise<StoredShakenBuild | null>;
  /** Why the build `id` failed, if it did (kept in memory, so a restart tries again). */
  failure(id: string): { code: string; reason: string } | undefined;
  /** The engine string every id includes. */
  engine: string;
}

/** One package version's place in the plan. */
export type PlannedState =
  | { status: 'ready'; build: StoredShakenBuild }
  | {
      status: 'build';
      id: string;
      metadata: VersionMetadata;
      roots: Map<string, ImportedNames>;
      /** Package name → "name@version": the packages its full build reaches that the request holds one version of (dependenciesOf). */
      dependencies: Record<string, string>;
    }
  | { status: 'pending' }
  | { status: 'failed'; code: string; reason: string }
  | { status: 'full'; reason: string }
  /** Nothing on the site loads it: what imports it does not, once shaken. Answered as "full". */
  | { status: 'unused'; reason: string };

interface Version {
  key: string;
  name: string;
  version: string;
  metadata: VersionMetadata | null;
  roots: ShakenRoots;
}

// Package names the full build's modules ("+/…") import, per metadata object (immutable).
const importedPackages = new WeakMap<VersionMetadata, Set<string>>();

/**
 * The state of every package version of a request (docs/shaken-builds.md, "The closure"). A
 * version's names are the request's own (what podlets import) plus what every other version of
 * the request takes from it, read from that version's shaken build; so a version is planned only
 * once every version whose full build imports its package is "ready" (else "pending"), or "full"
 * when one of those is not shaken (its full build may take any name). A version with names gets
 * its content address; "ready" when the store holds that build, "failed" when it failed,
 * "build" when it is to be made. A version whose full build is imported by no version of the
 * request, and which has no names of its own, is "unused". Import cycles between packages make
 * "full". Reads only through `sources`.
 */
export async function planShakenBuilds(request: ShakenRequest, sources: ShakenPlanSources): Promise<Map<string, PlannedState>> {
  const versions = new Map<string, Version>();
  for (const [key, roots] of Object.entries(request.packages)) {
    const at = key.lastIndexOf('@');
    const name = key.slice(0, at);
    const version = key.slice(at + 1);
    versions.set(key, { key, name, version, roots, metadata: await sources.metadata(name, version) });
  }
  const states = new Map<string, PlannedState>();
  const visiting = new Set<string>();
  const stateOf = async (v: Version): Promise<PlannedState> => {
    const known = states.get(v.key);
    if (known) return known;
    if (visiting.has(v.key)) return { status: 'full', reason: 'its package and another import each other' };
    visiting.add(v.key);
    const state = await planOne(v, versions, stateOf, sources);
    visiting.delete(v.key);
    states.set(v.key, state);
    return state;
  };
  for (const v of versions.values()) await stateOf(v);
  return states;
}

async function planOne(
  v: Version,
  versions: ReadonlyMap<string, Version>,
  stateOf: (v: Version) => Promise<PlannedState>,
  sources: ShakenPlanSources,
): Promise<PlannedState> {
  const { metadata } = v;
  if (!metadata) return { status: 'full', reason: 'the store does not hold this version' };
  if (!metadata.build) return { status: 'full', reason: 'the version has no browser build' };
  if (v.roots === '*') return { status: 'full', reason: 'the site takes all of it' };
  const bySubpath = new Map<string, ImportedNames>(Object.entries(v.roots));
  let imported = false;
  for (const other of versions.values()) {
    if (!importsVersion(other, v)) continue;
    const state = await stateOf(other);
    if (state.status === 'unused') continue;
    if (state.status === 'pending' || state.status === 'build') return { status: 'pending' };
    if (state.status !== 'ready') return { status: 'full', reason: `${other.key} imports it and is not shaken` };
    // A shaken build may no longer import it at all (an unused import of a side-effect-free package).
    for (const [specifier, names] of Object.entries(state.build.imports)) {
      const subpath = subpathOf(specifier, v.name);
      if (subpath === null) continue;
      imported = true;
      bySubpath.set(subpath, mergeImportedNames(bySubpath.get(subpath), names));
    }
  }
  const roots = rootsByFile(metadata, bySubpath);
  if (roots.size === 0) {
    return imported || Object.keys(v.roots).length > 0
      ? { status: 'full', reason: 'none of the entry points it is imported by is built' }
      : { status: 'unused', reason: 'nothing on the site imports it' };
  }
  if ([...roots.values()].every((names) => names === '*'))
    return { status: 'full', reason: 'the site takes all of each entry point it imports' };
  const dependencies = dependenciesOf(metadata, versions);
  const id = shakenBuildId(v.key, roots, sources.engine, dependencies);
  const stored = await sources.stored(v.name, v.version, id);
  if (stored) return { status: 'ready', build: stored };
  const failure = sources.failure(id);
  if (failure) return { status: 'failed', ...failure };
  return { status: 'build', id, metadata, roots, dependencies };
}

/** "d3-array" → "."; "preact/hooks" → "./hooks"; null for another package's specifier. */
function subpathOf(specifier: string, name: string): string | null {
  if (specifier === name) return '.';
  return specifier.startsWith(`${name}/`) ? `.${specifier.slice(name.length)}` : null;
}

/** Names by full-build file: subpaths that load one file ("./debounce", "./debounce.js") merged; unbuilt subpaths left out. */
function rootsByFile(metadata: VersionMetadata, bySubpath: ReadonlyMap<string, ImportedNames>): Map<string, ImportedNames> {
  const roots = new Map<string, ImportedNames>();
  const entries = metadata.build?.entries ?? {};
  for (const [subpath, names] of bySubpath) {
    const file = Object.hasOwn(entries, subpath) ? entries[subpath]! : undefined;
    if (file) roots.set(file, mergeImportedNames(roots.get(file), names));
  }
  return new Map([...roots].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The packages a version's full build imports, and those theirs import, and so on, each by the
 * one version of it in the request that its importer's declared range allows, by name: what the
 * build may read of them (is a package free of side effects, what does it export) is read from
 * that version. When two versions fit, which one a page maps is not known here, so neither is
 * read, nor past it.
 */
function dependenciesOf(metadata: VersionMetadata, versions: ReadonlyMap<string, Version>): Record<string, string> {
  const found: Record<string, string> = {};
  const queue = [...packagesOf(metadata)].map((name) => ({ importer: metadata, name }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { importer, name } = next;
    if (Object.hasOwn(found, name) || name === metadata.name) continue;
    const held = [...versions.values()].filter((other) => other.name === name && mayImport(importer, name, other.version));
    if (held.length !== 1) continue;
    found[name] = held[0]!.key;
    const dependency = held[0]!.metadata;
    if (dependency) queue.push(...[...packagesOf(dependency)].map((n) => ({ importer: dependency, name: n })));
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Whether `other`'s full build imports `v`'s package and its range allows `v`'s version. */
function importsVersion(other: Version, v: Version): boolean {
  if (other.name === v.name || !other.metadata || !packagesOf(other.metadata).has(v.name)) return false;
  return mayImport(other.metadata, v.name, v.version);
}

/**
 * Whether `importer`'s package map can resolve `name` to `version`: its declared range allows
 * it. lit@3 imports lit-html, but never lit-html@2 beside it. A package it imports without
 * declaring it (a peer) may resolve to any version; so may a range semver cannot read.
 */
function mayImport(importer: VersionMetadata, name: string, version: string): boolean {
  const range = Object.hasOwn(importer.dependencies ?? {}, name) ? importer.dependencies[name]! : undefined;
  if (range === undefined || semver.validRange(range) === null) return true;
  return semver.satisfies(version, range, { includePrerelease: true });
}

/**
 * The content address of a shaken build: its version, its sorted names, the engine, and the
 * versions of the packages it imports that the build reads facts from (dependenciesOf).
 */
export function shakenBuildId(
  key: string,
  roots: ReadonlyMap<string, ImportedNames>,
  engine: string,
  dependencies: Readonly<Record<string, string>> = {},
): string {
  const hash = createHash('sha256').update(`${key}\n${engine}\n`);
  for (const [file, names] of roots) hash.update(`${file}\t${names === '*' ? '*' : names.join(',')}\n`);
  for (const name of Object.keys(dependencies).sort()) hash.update(`uses ${dependencies[name]}\n`);
  return hash.digest('hex').slice(0, 32);
}

/** The package names a version's full build imports. */
function packagesOf(metadata: VersionMetadata): Set<string> {
  let found = importedPackages.get(metadata);
  if (!found) {
    found = new Set();
    for (const [file, entry] of Object.entries(metadata.files)) {
      if (!file.startsWith('+/')) continue;
      for (const specifier of entry.imports ?? []) {
        if (/^(\.|\/)/.test(specifier) || specifier.includes(':')) continue;
        const parts = specifier.split('/');
        found.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
    importedPackages.set(metadata, found);
  }
  return found;
}
