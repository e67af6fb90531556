import { packageRootOf } from '../shared/cdn-protocol/cdn-urls.ts';
import { createImportMap, type ImportMap, type PodletNeeds, type SpecifierMap } from './import-map.ts';
import { compareKeysBySpecificity, resolveSpecifier } from './resolve-specifier.ts';
import type { VersionPlan } from './plan-versions.ts';

/** A problem found while composing; the layout logs it and serves the podlet's fallback. */
export interface CompositionIssue {
  code: 'PODMAP_ERR_EXPOSE_CONFLICT';
  podlet: string;
  detail: string;
}

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
  const map = createImportMap();
  const issues: CompositionIssue[] = [];
  Object.assign(map.imports, input.passThrough);

  const topMaps = Object.keys(input.plan.topLevel)
    .sort()
    .map((pkg) => ({ pkg, packageMap: requireMap(input, pkg, input.plan.topLevel[pkg]!) }));
  // A package's own entries ("lit", "lit/…") outrank the same keys brought in by a dependant.
  for (const { pkg, packageMap } of topMaps) {
    for (const [key, url] of Object.entries(packageMap.imports)) {
      if (ownsSpecifier(pkg, key)) map.imports[key] = url;
    }
  }
  for (const { packageMap } of topMaps) {
    for (const [key, url] of Object.entries(packageMap.imports)) map.imports[key] ??= url;
  }

  for (const exposer of [...input.exposers].sort((a, b) => compareText(a.name, b.name))) {
    // Sorted, so the issues come out in one order whatever order the podlet listed them in.
    for (const [specifier, url] of Object.entries(exposer.exposes).sort(([a], [b]) => compareText(a, b))) {
      if (map.imports[specifier] !== undefined) {
        issues.push({
          code: 'PODMAP_ERR_EXPOSE_CONFLICT',
          podlet: exposer.name,
          detail: `${specifier} is already mapped to ${map.imports[specifier]}`,
        });
        continue;
      }
      map.imports[specifier] = url;
    }
  }

  const used: ImportMap[] = topMaps.map((t) => t.packageMap);
  for (const podlet of [...input.podlets].sort((a, b) => compareText(a.name, b.name))) {
    const assigned = Object.entries(input.plan.assigned[podlet.name] ?? {}).sort(([a], [b]) => compareText(a, b));
    const scoped = assigned.filter(([pkg, version]) => version !== input.plan.topLevel[pkg]);
    if (scoped.length === 0) continue;
    // A package the podlet imports itself gets the version planned for it, even where the
    // closure of another, scoped package brings a different version of it.
    const wanted: SpecifierMap = {};
    for (const [pkg, version] of assigned) {
      for (const [key, url] of Object.entries(requireMap(input, pkg, version).imports)) {
        if (ownsSpecifier(pkg, key)) wanted[key] = url;
      }
    }
    for (const [pkg, version] of scoped) {
      const packageMap = requireMap(input, pkg, version);
      used.push(packageMap);
      for (const [key, url] of Object.entries(packageMap.imports)) wanted[key] ??= url;
    }
    for (const [key, url] of Object.entries(wanted)) {
      if (resolveSpecifier({ imports: map.imports }, key, podlet.base) !== url) {
        (map.scopes[podlet.base] ??= {})[key] = url;
      }
    }
  }

  const rootsDone = new Set<string>();
  for (const packageMap of used) {
    addPackageRootScopes(map, packageMap, rootsDone);
    Object.assign(map.integrity, packageMap.integrity);
  }
  return { map: sortImportMap(map), issues };
}

/**
 * Makes every package of a package map resolve its own imports the way that package map says,
 * through the page's map: for each package root (and each scope the CDN keyed), every key whose
 * resolution from inside that root differs gets a scope keyed by the root. The package map's
 * own scopes count, so a dependency the CDN scoped (c@1 needing b@1 while imports has b@2)
 * stays scoped. A root is handled once, from the first map that holds it: the CDN resolves a
 * package's dependencies the same way in every closure, and the first closure holding a
 * package holds all of its dependencies, so later maps could only add keys it never imports.
 */
function addPackageRootScopes(map: Required<ImportMap>, packageMap: ImportMap, rootsDone: Set<string>): void {
  const scopes = packageMap.scopes ?? {};
  const urls = [...Object.values(packageMap.imports), ...Object.values(scopes).flatMap((entries) => Object.values(entries))];
  const roots = new Set([...urls.map(packageRootOf).filter((r): r is string => r !== null), ...Object.keys(scopes)]);
  for (const root of [...roots].sort(compareText)) {
    if (rootsDone.has(root)) continue;
    rootsDone.add(root);
    const keys = new Set(Object.keys(packageMap.imports));
    for (const [scope, entries] of Object.entries(scopes)) {
      if (scope === root || (scope.endsWith('/') && root.startsWith(scope))) for (const key of Object.keys(entries)) keys.add(key);
    }
    for (const key of [...keys].sort(compareText)) {
      const wanted = resolveSpecifier(packageMap, key, root);
      if (wanted !== null && resolveSpecifier(map, key, root) !== wanted) (map.scopes[root] ??= {})[key] = wanted;
    }
  }
}

function ownsSpecifier(pkg: string, key: string): boolean {
  return key === pkg || key.startsWith(`${pkg}/`);
}

function requireMap(input: ComposeInput, pkg: string, version: string): ImportMap {
  const packageMap = input.packageMaps[`${pkg}@${version}`];
  if (!packageMap) throw new Error(`composeImportMap: no package map for ${pkg}@${version}`);
  return packageMap;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortEntries<T>(record: Record<string, T>, compare: (a: string, b: string) => number = compareText): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort(compare)
      .map((k) => [k, record[k]!]),
  );
}

/** Sorted keys everywhere (scopes most specific first, as browsers consult them); empty sections dropped. */
export function sortImportMap(map: ImportMap): ImportMap {
  const out: ImportMap = { imports: sortEntries(map.imports) };
  const scopes = Object.fromEntries(
    Object.keys(map.scopes ?? {})
      .sort(compareKeysBySpecificity)
      .flatMap((scope) => {
        const entries = map.scopes?.[scope];
        return entries && Object.keys(entries).length > 0 ? [[scope, sortEntries(entries)] as const] : [];
      }),
  );
  if (Object.keys(scopes).length > 0) out.scopes = scopes;
  if (map.integrity && Object.keys(map.integrity).length > 0) out.integrity = sortEntries(map.integrity);
  return out;
}
