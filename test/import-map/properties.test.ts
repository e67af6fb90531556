import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import semver from 'semver';
import {
  compatibilityLine,
  composeImportMap,
  planVersions,
  type ImportMap,
  type PodletNeeds,
  type VersionNeed,
} from '../../runtime/import-map/index.ts';
import { resolveSpecifier } from '../../runtime/import-map/resolve-specifier.ts';
import { checkImportMap } from './check-import-map.ts';
import { CDN, fakeIntegrity, root } from './fixtures.ts';

/*
 * A small random world: three packages whose names prefix each other ("lit", "lit-html"), each
 * with a random set of versions and, per version, random caret ranges on its dependencies; a
 * CDN-style package map for every version; and up to six podlets with random needs and exposes.
 */
const PACKAGES = ['lit', 'lit-html', '@lit/reactive-element'] as const;
const DEPENDS_ON: Record<string, string[]> = {
  lit: ['lit-html', '@lit/reactive-element'],
  'lit-html': ['@lit/reactive-element'],
  '@lit/reactive-element': [],
};
// No 0.0.x: under semver each 0.0.x patch is its own line, so carets there can never share.
const POOL = ['0.1.0', '0.1.4', '0.2.0', '1.0.0', '1.2.0', '1.5.3', '2.0.0', '2.1.0', '3.0.0'];
const NAMES = ['auth', 'footer', 'geo', 'header', 'image', 'search'];
const pageUrl = 'http://127.0.0.1:7000/';
const baseOf = (name: string) => `http://127.0.0.1:${7100 + NAMES.indexOf(name) * 100}/static/`;

interface World {
  versions: Record<string, string[]>;
  /** "pkg@version" → dependency → caret range. */
  dependencies: Record<string, Record<string, string>>;
  packageMaps: Record<string, ImportMap>;
}

const worldArbitrary = fc
  .record({
    versions: fc.tuple(...PACKAGES.map(() => fc.subarray(POOL, { minLength: 1 }))),
    picks: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
  })
  .map(({ versions, picks }): World => {
    const world: World = { versions: {}, dependencies: {}, packageMaps: {} };
    PACKAGES.forEach((pkg, i) => (world.versions[pkg] = versions[i]!));
    let next = 0;
    for (const pkg of PACKAGES) {
      for (const version of world.versions[pkg]!) {
        const deps: Record<string, string> = {};
        for (const dep of DEPENDS_ON[pkg]!) {
          const candidates = world.versions[dep]!;
          deps[dep] = `^${candidates[picks[next++ % picks.length]! % candidates.length]}`;
        }
        world.dependencies[`${pkg}@${version}`] = deps;
      }
    }
    for (const pkg of PACKAGES)
      for (const version of world.versions[pkg]!) world.packageMaps[`${pkg}@${version}`] = buildPackageMap(world, pkg, version);
    // Counterexamples show the versions and dependencies; the package maps follow from them.
    return Object.assign(world, {
      [fc.toStringMethod]: () => JSON.stringify({ versions: world.versions, dependencies: world.dependencies }),
    });
  });

/** What the CDN's `GET /-/map/…` answers (docs/cdn.md), written independently of runtime/cdn. */
function buildPackageMap(world: World, pkg: string, version: string): ImportMap {
  const map: Required<ImportMap> = { imports: {}, scopes: {}, integrity: {} };
  const add = (target: Record<string, string>, p: string, v: string) => {
    target[p] = `${root(p, v)}index.js`;
    target[`${p}/`] = root(p, v);
  };
  const placed = new Map([[pkg, version]]);
  add(map.imports, pkg, version);
  const queue: Array<[string, string]> = [[pkg, version]];
  const visited = new Set([`${pkg}@${version}`]);
  while (queue.length > 0) {
    const [p, v] = queue.shift()!;
    map.integrity[`${root(p, v)}index.js`] = fakeIntegrity(`${root(p, v)}index.js`);
    for (const [dep, range] of Object.entries(world.dependencies[`${p}@${v}`]!)) {
      const dv = semver.maxSatisfying(world.versions[dep]!, range)!;
      const at = placed.get(dep);
      if (at === undefined) {
        placed.set(dep, dv);
        add(map.imports, dep, dv);
      } else if (at !== dv) add((map.scopes[root(p, v)] ??= {}), dep, dv);
      if (!visited.has(`${dep}@${dv}`)) {
        visited.add(`${dep}@${dv}`);
        queue.push([dep, dv]);
      }
    }
  }
  return map;
}

const anyRange = fc.oneof(
  fc.tuple(fc.constantFrom('^', '~', '>=', ''), fc.constantFrom(...POOL, '4.0.0')).map(([op, v]) => `${op}${v}`),
  fc.tuple(fc.constantFrom(...POOL), fc.constantFrom(...POOL)).map(([v, w]) => `^${v} || ^${w}`),
  fc.constantFrom('*', 'banana'),
);
const caretRange = fc.constantFrom(...POOL).map((v) => `^${v}`);

function podletsArbitrary(range: fc.Arbitrary<string>) {
  return fc
    .uniqueArray(
      fc.record({
        name: fc.constantFrom(...NAMES),
        needs: fc.record(Object.fromEntries(PACKAGES.map((p) => [p, range])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] }),
        exposes: fc.subarray(['@shared/a.js', '@shared/b.js', 'own']),
      }),
      { selector: (p) => p.name, minLength: 1, maxLength: NAMES.length },
    )
    .map((list) =>
      list.map(({ name, needs, exposes }): PodletNeeds => ({
        name,
        base: baseOf(name),
        needs: needs as Record<string, string>,
        exposes: Object.fromEntries(
          exposes.map((s) => (s === 'own' ? [`@podlets/${name}/own.js`, `${baseOf(name)}own.js`] : [s, `${baseOf(name)}${s.slice(8)}`])),
        ),
      })),
    );
}

/** The global import map's CDN aliases, as build-page-assets turns them into needs. */
const globalArbitrary = fc
  .subarray([...PACKAGES])
  .chain((pkgs) =>
    fc.tuple(
      ...pkgs.map((pkg) => fc.constantFrom(...POOL).map((v): VersionNeed => ({ podlet: null, pkg, range: `${compatibilityLine(v)}.x` }))),
    ),
  );

function compose(world: World, podlets: readonly PodletNeeds[], global: readonly VersionNeed[]) {
  const needs = [...global, ...podlets.flatMap((p) => Object.entries(p.needs).map(([pkg, range]) => ({ podlet: p.name, pkg, range })))];
  const plan = planVersions(needs, world.versions);
  const { map, issues } = composeImportMap({ passThrough: {}, plan, packageMaps: world.packageMaps, podlets, exposers: podlets });
  return { plan, map, issues };
}

const versionIn = (url: string | null, pkg: string): string | null => {
  const prefix = `${CDN}npm/${pkg}@`;
  return url?.startsWith(prefix) ? url.slice(prefix.length, url.indexOf('/', prefix.length)) : null;
};

/**
 * Every package version the page loads, following each import the way a browser would: the
 * podlets' and the global map's needs from where they are imported, then each package's own
 * dependencies from inside its root. Fails the test where an import resolves to no version
 * or to one outside the range it was asked with.
 */
function loadedVersions(
  world: World,
  map: ImportMap,
  start: Array<{ referrer: string; pkg: string; range: string }>,
): Map<string, Set<string>> {
  const loaded = new Map<string, Set<string>>();
  const queue = [...start];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { referrer, pkg, range } = queue.shift()!;
    const resolved = resolveSpecifier(map, pkg, referrer);
    const version = versionIn(resolved, pkg);
    assert.ok(version !== null, `${pkg} from ${referrer} resolved to ${resolved}`);
    assert.ok(semver.satisfies(version, range), `${pkg} from ${referrer} resolved to ${version}, outside ${range}`);
    // A deep import must land in the same copy as the bare one.
    assert.equal(resolveSpecifier(map, `${pkg}/x.js`, referrer), `${root(pkg, version)}x.js`);
    if (!loaded.has(pkg)) loaded.set(pkg, new Set());
    loaded.get(pkg)!.add(version);
    if (seen.has(`${pkg}@${version}`)) continue;
    seen.add(`${pkg}@${version}`);
    for (const [dep, depRange] of Object.entries(world.dependencies[`${pkg}@${version}`]!)) {
      queue.push({ referrer: `${root(pkg, version)}index.js`, pkg: dep, range: depRange });
    }
  }
  return loaded;
}

/** The needs the plan did not report, as imports to follow from their referrers. */
function satisfiedNeeds(podlets: readonly PodletNeeds[], plan: ReturnType<typeof planVersions>, global: readonly VersionNeed[]) {
  const reported = new Set(plan.unsatisfied.map((n) => `${n.podlet}\0${n.pkg}\0${n.range}`));
  const start: Array<{ referrer: string; pkg: string; range: string }> = [];
  for (const p of podlets) {
    for (const [pkg, range] of Object.entries(p.needs)) {
      if (reported.has(`${p.name}\0${pkg}\0${range}`)) continue;
      start.push({ referrer: `${p.base}index.js`, pkg, range });
    }
  }
  for (const n of global) if (!reported.has(`null\0${n.pkg}\0${n.range}`)) start.push({ referrer: pageUrl, pkg: n.pkg, range: n.range });
  return start;
}

const runs = { numRuns: 150 };

test('composeImportMap() - any podlets and versions - writes a valid import map', () => {
  fc.assert(
    fc.property(worldArbitrary, podletsArbitrary(anyRange), globalArbitrary, (world, podlets, global) => {
      const { map } = compose(world, podlets, global);
      assert.deepEqual(checkImportMap(JSON.parse(JSON.stringify(map))), []);
    }),
    runs,
  );
});

test('composeImportMap() - any podlets and versions - satisfies every need, transitively, or reports it', () => {
  fc.assert(
    fc.property(worldArbitrary, podletsArbitrary(anyRange), globalArbitrary, (world, podlets, global) => {
      const { plan, map } = compose(world, podlets, global);
      // Reporting must not be an escape hatch: a reported need has no version at all, or it is
      // the global map's (which has no base URL to scope) and top-level imports holds another line.
      for (const n of plan.unsatisfied) {
        const exists = semver.validRange(n.range) ? semver.maxSatisfying(world.versions[n.pkg] ?? [], n.range) : null;
        const displaced = n.podlet === null && plan.topLevel[n.pkg] !== undefined && !semver.satisfies(plan.topLevel[n.pkg]!, n.range);
        assert.ok(exists === null || displaced, `${n.podlet}: ${n.pkg}@${n.range} was reported but can be met`);
      }
      loadedVersions(world, map, satisfiedNeeds(podlets, plan, global));
    }),
    runs,
  );
});

/** A deterministic shuffle driven by a generated seed, so a failure replays. */
function shuffle<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('composeImportMap() - podlets, needs and exposes in any order - give byte-identical output', () => {
  fc.assert(
    fc.property(worldArbitrary, podletsArbitrary(anyRange), globalArbitrary, fc.nat(), (world, podlets, global, seed) => {
      const shuffled = shuffle(podlets, seed).map((p, i) => ({
        ...p,
        needs: Object.fromEntries(shuffle(Object.entries(p.needs), seed + i + 1)),
        exposes: Object.fromEntries(shuffle(Object.entries(p.exposes), seed + i + 7)),
      }));
      const a = compose(world, podlets, global);
      const b = compose(world, shuffled, shuffle(global, seed + 3));
      assert.equal(JSON.stringify(b.map), JSON.stringify(a.map));
      assert.equal(JSON.stringify(b.issues), JSON.stringify(a.issues));
      assert.equal(JSON.stringify(b.plan.unsatisfied), JSON.stringify(a.plan.unsatisfied));
    }),
    runs,
  );
});

test('composeImportMap() - caret ranges only - loads at most one version per compatibility line', () => {
  fc.assert(
    fc.property(worldArbitrary, podletsArbitrary(caretRange), globalArbitrary, (world, podlets, global) => {
      const { plan, map } = compose(world, podlets, global);
      const loaded = loadedVersions(world, map, satisfiedNeeds(podlets, plan, global));
      for (const [pkg, versions] of loaded) {
        const lines = new Map<string, string[]>();
        for (const v of versions) lines.set(compatibilityLine(v), [...(lines.get(compatibilityLine(v)) ?? []), v]);
        for (const [line, inLine] of lines) assert.equal(inLine.length, 1, `${pkg} line ${line} loads ${inLine.join(' and ')}`);
      }
    }),
    runs,
  );
});

test('composeImportMap() - exposes - every exposed specifier resolves to the podlet whose name sorts first', () => {
  fc.assert(
    fc.property(worldArbitrary, podletsArbitrary(anyRange), (world, podlets) => {
      const { map, issues } = compose(world, podlets, []);
      const owners = new Map<string, string[]>();
      for (const p of podlets) for (const s of Object.keys(p.exposes)) owners.set(s, [...(owners.get(s) ?? []), p.name]);
      let conflicts = 0;
      for (const [specifier, names] of owners) {
        const first = [...names].sort()[0]!;
        assert.equal(resolveSpecifier(map, specifier, pageUrl), podlets.find((p) => p.name === first)!.exposes[specifier]);
        conflicts += names.length - 1;
      }
      assert.equal(issues.filter((i) => i.code === 'PODMAP_ERR_EXPOSE_CONFLICT').length, conflicts);
    }),
    runs,
  );
});
