import { addPackageRootScopes } from './add-package-root-scopes.ts';
import { createImportMap, setEntry, type ImportMap, type PodletNeeds, type SpecifierMap } from './import-map.ts';
import { resolveSpecifier } from './resolve-specifier.ts';
import type { VersionPlan } from './plan-versions.ts';
import { compareText, sortImportMap } from './sort-import-map.ts';

/** A problem found while composing; the layout logs it and serves the podlet's fallback. */
export interface CompositionIssue {
  code: 'PODMAP_ERR_EXPOSE_CONFLICT';
  podlet: string;
  detail: string;
}

/** What composeImportMap() composes from: the plan, the CDN's package maps and the podlets. */
export interface ComposeInput {
  /** Global entries that are not CDN packages (absolute URLs), written as they are. */
  passThrough: SpecifierMap;
  plan: VersionPlan;
  /** "name@version" → that package's import map from the CDN, with absolute URLs. */
  packageMaps: Record<string, ImportMap>;
  /** The podlets on this page. */
  podlets: readonly PodletNeeds[];
  /** Every podlet the layout knows, whose exposes any page may import. */
  exposers: readonly PodletNeeds[];
}

/**
 * Composes the one import map of a page from a version plan and the CDN's package maps.
 * Called by the layout after planVersions(), whenever a manifest changes.
 *
 * Top-level packages go into `imports`; a podlet that got another version gets a scope keyed
 * by its asset base URL, with that version's closure and, above it, the versions planned for
 * the packages it needs itself. A package whose own dependencies would resolve differently
 * through the page's map than its package map says gets a scope keyed by its root URL, so each
 * copy of a library runs with the dependencies the CDN resolved for it. Exposed modules become `imports`
 * entries; two podlets exposing one specifier is an issue, and the one whose name sorts first
 * keeps it. Keys are sorted, so equal inputs give a byte-identical map in any input order.
 */
export function composeImportMap(input: ComposeInput): { map: ImportMap; issues: CompositionIssue[] } {
  const steps = composeImportMapSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * composeImportMap() as a generator that yields between pieces of work, so the layout can let
 * the event loop run while it composes a large page (runtime/layout runs it with runSliced).
 * With `sort: false` the map comes out unsorted, for a caller that trims it (trimImportMap sorts).
 */
export function* composeImportMapSteps(
  input: ComposeInput,
  options: { sort?: boolean } = {},
): Generator<void, { map: ImportMap; issues: CompositionIssue[] }, undefined> {
  const map = createImportMap();
  const issues: CompositionIssue[] = [];
  const topMaps = yield* addTopLevelImports(input, map);
  addExposes(input, map, issues);

  // Package maps in the order they were first used; the roots of each are scoped once.
  const used = new Set<ImportMap>(topMaps);
  const topLevelOnly: ImportMap = { imports: map.imports };
  // Podlets that got the same versions get the same scope entries, made once per set of versions
  // and shared (one object under several scope keys) until the map is sorted, which copies them.
  const scopeFor = new Map<string, SpecifierMap | null>();
  const shared = new Set<SpecifierMap>();
  for (const podlet of [...input.podlets].sort((a, b) => compareText(a.name, b.name))) {
    const assigned = Object.entries(input.plan.assigned[podlet.name] ?? {}).sort(([a], [b]) => compareText(a, b));
    const scoped = assigned.filter(([pkg, version]) => version !== input.plan.topLevel[pkg]);
    if (scoped.length === 0) continue;
    for (const [pkg, version] of scoped) used.add(requireMap(input, pkg, version));
    const signature = assigned.map(([pkg, version]) => `${pkg}@${version}`).join('\0');
    if (!scopeFor.has(signature)) scopeFor.set(signature, yield* podletScopeEntries(input, assigned, scoped, topLevelOnly, podlet.base));
    // null: a key is URL-like, so the entries depend on the podlet's base and are made for each.
    const entries = scopeFor.get(signature) ?? (yield* podletScopeEntries(input, assigned, scoped, topLevelOnly, podlet.base, true))!;
    if (Object.keys(entries).length === 0) continue;
    // Two podlets on one base (unusual): their entries merge into a copy of their own.
    if (map.scopes[podlet.base]) map.scopes[podlet.base] = { ...map.scopes[podlet.base], ...entries };
    else shared.add((map.scopes[podlet.base] = entries));
    yield;
  }

  const rootsDone = new Set<string>();
  // A root scope is written into: never into entries shared with podlets' scopes.
  const writableScope = (key: string): SpecifierMap => {
    const entries = map.scopes[key];
    if (entries && !shared.has(entries)) return entries;
    return (map.scopes[key] = { ...entries });
  };
  for (const packageMap of used) {
    yield* addPackageRootScopes(map, packageMap, rootsDone, writableScope);
    Object.assign(map.integrity, packageMap.integrity);
    yield;
  }
  return { map: options.sort === false ? map : sortImportMap(map), issues };
}

/** Top-level `imports`: the global entries, then the top-level packages' maps; returns those maps. */
function* addTopLevelImports(input: ComposeInput, map: Required<ImportMap>): Generator<void, ImportMap[], undefined> {
  for (const [key, url] of Object.entries(input.passThrough)) setEntry(map.imports, key, url);
  const topMaps = Object.keys(input.plan.topLevel)
    .sort()
    .map((pkg) => ({ pkg, packageMap: requireMap(input, pkg, input.plan.topLevel[pkg]!) }));
  // A package's own entries ("lit", "lit/…") outrank the same keys brought in by a dependant.
  for (const { pkg, packageMap } of topMaps) {
    for (const [key, url] of Object.entries(packageMap.imports)) {
      if (ownsSpecifier(pkg, key)) setEntry(map.imports, key, url);
    }
  }
  for (const { packageMap } of topMaps) {
    for (const [key, url] of Object.entries(packageMap.imports)) if (!Object.hasOwn(map.imports, key)) setEntry(map.imports, key, url);
    yield;
  }
  return topMaps.map((t) => t.packageMap);
}

/** Exposed modules as `imports` entries; a specifier already taken is an issue for the podlet that lost it. */
function addExposes(input: ComposeInput, map: Required<ImportMap>, issues: CompositionIssue[]): void {
  for (const exposer of [...input.exposers].sort((a, b) => compareText(a.name, b.name))) {
    // Sorted, so the issues come out in one order whatever order the podlet listed them in.
    for (const [specifier, url] of Object.entries(exposer.exposes).sort(([a], [b]) => compareText(a, b))) {
      if (Object.hasOwn(map.imports, specifier)) {
        issues.push({
          code: 'PODMAP_ERR_EXPOSE_CONFLICT',
          podlet: exposer.name,
          detail: `${specifier} is already mapped to ${map.imports[specifier]}`,
        });
        continue;
      }
      setEntry(map.imports, specifier, url);
    }
  }
}

/**
 * The scope entries of a podlet that got other versions than top-level: the keys of the packages
 * it imports itself at the versions planned for it, then the rest of its scoped packages'
 * closures, each where top-level `imports` would resolve it differently. Returns null when a key
 * is URL-like (its resolution depends on the podlet's base, so the entries cannot be shared),
 * unless `forThisBase`.
 */
function* podletScopeEntries(
  input: ComposeInput,
  assigned: ReadonlyArray<[string, string]>,
  scoped: ReadonlyArray<[string, string]>,
  topLevelOnly: ImportMap,
  base: string,
  forThisBase = false,
): Generator<void, SpecifierMap | null, undefined> {
  // A package the podlet imports itself gets the version planned for it, even where the
  // closure of another, scoped package brings a different version of it.
  const wanted = new Map<string, string>();
  for (const [pkg, version] of assigned) {
    for (const [key, url] of Object.entries(requireMap(input, pkg, version).imports)) {
      if (ownsSpecifier(pkg, key)) wanted.set(key, url);
    }
  }
  for (const [pkg, version] of scoped) {
    for (const [key, url] of Object.entries(requireMap(input, pkg, version).imports)) if (!wanted.has(key)) wanted.set(key, url);
  }
  const entries: SpecifierMap = {};
  let done = 0;
  for (const [key, url] of wanted) {
    if (!forThisBase && (key.includes(':') || key.startsWith('/') || key.startsWith('./') || key.startsWith('../'))) return null;
    if (resolveSpecifier(topLevelOnly, key, base) !== url) setEntry(entries, key, url);
    if (++done % 256 === 0) yield;
  }
  return entries;
}

function ownsSpecifier(pkg: string, key: string): boolean {
  return key === pkg || key.startsWith(`${pkg}/`);
}

function requireMap(input: ComposeInput, pkg: string, version: string): ImportMap {
  const packageMap = input.packageMaps[`${pkg}@${version}`];
  if (!packageMap) throw new Error(`composeImportMap: no package map for ${pkg}@${version}`);
  return packageMap;
}
