import semver from 'semver';
import type { PodletNeeds } from './import-map.ts';
import { planVersions, type VersionNeed, type VersionPlan } from './plan-versions.ts';

/**
 * Who takes part in a page's version plan: the podlets on the page, and every podlet whose
 * exposed package one of them needs, transitively, even when it is not on the page. Its exposed
 * module runs in this page, so it must get the versions it needs, not whatever the top-level
 * `imports` hold. `known` is every registered podlet with a podmap.json. Pure.
 */
export function closeOverExposers<T extends PodletNeeds>(pageNames: ReadonlySet<string>, known: readonly T[]): T[] {
  const exposerOf = exposersByPackage(known) as Map<string, T>;
  const inPlan = new Map(known.filter((k) => pageNames.has(k.name)).map((k) => [k.name, k]));
  const queue = [...inPlan.values()];
  for (let podlet = queue.shift(); podlet; podlet = queue.shift()) {
    for (const pkg of Object.keys(podlet.needs)) {
      const exposer = exposerOf.get(pkg);
      if (exposer && !inPlan.has(exposer.name)) {
        inPlan.set(exposer.name, exposer);
        queue.push(exposer);
      }
    }
  }
  return [...inPlan.values()];
}

/**
 * Podlets by the npm packages they expose modules under: their `namespaces` when the layout
 * decided them (grantNamespaces()), else their own package name.
 */
export function exposersByPackage(podlets: ReadonlyArray<PodletNeeds & { namespaces?: readonly string[] }>): Map<string, PodletNeeds> {
  return new Map(
    podlets.flatMap((p) => (p.namespaces ?? (p.packageName ? [p.packageName] : [])).map((name) => [name, p as PodletNeeds] as const)),
  );
}

/** A page's version plan, and the podlets that cannot run on it. */
export interface PagePlan {
  plan: VersionPlan;
  /** The podlets that run: every podlet in the plan less the dropped ones. */
  podlets: PodletNeeds[];
  /** Dropped podlet → why (a need nothing meets, or an exposer that cannot run). */
  dropped: Map<string, string>;
}

/**
 * Plans a page's versions, dropping podlets until every remaining need is met. A podlet is
 * dropped when no available version meets one of its needs, or when a podlet whose exposed
 * package it needs is dropped or exposes a version outside its range; each drop can cause more,
 * so the plan is made again until a round drops nothing. Needs for exposed packages are met by
 * the exposer, never by the CDN. `available` is package → versions on the CDN. `excluded` podlets
 * (a CDN refusal, an import the map cannot resolve) are out from the start, and so is every podlet
 * that needs one of them through its exposes. Pure.
 */
export function planPage(input: {
  podlets: readonly PodletNeeds[];
  exposers: ReadonlyMap<string, PodletNeeds>;
  globalNeeds: readonly VersionNeed[];
  available: Readonly<Record<string, readonly string[]>>;
  /** Podlets already known not to run (podlet → why), left out from the start; returned in `dropped` too. */
  excluded?: ReadonlyMap<string, string>;
}): PagePlan {
  const dropped = new Map<string, string>(input.excluded ?? []);
  for (;;) {
    const running = input.podlets.filter((p) => !dropped.has(p.name));
    if (dropExposerFailures(running, input.exposers, dropped)) continue;
    const needs: VersionNeed[] = [
      ...input.globalNeeds,
      ...running.flatMap((p) =>
        Object.entries(p.needs)
          .filter(([pkg]) => !input.exposers.has(pkg))
          .map(([pkg, range]) => ({ podlet: p.name, pkg, range })),
      ),
    ];
    const plan = planVersions(needs, input.available);
    const unmet = plan.unsatisfied.filter((n): n is VersionNeed & { podlet: string } => n.podlet !== null);
    if (unmet.length === 0) return { plan, podlets: running, dropped };
    for (const need of unmet) dropped.set(need.podlet, `${need.pkg}@${need.range} for podlet "${need.podlet}"`);
  }
}

/** Drops podlets whose exposer is dropped or off their range; true if any was dropped. */
function dropExposerFailures(
  running: readonly PodletNeeds[],
  exposers: ReadonlyMap<string, PodletNeeds>,
  dropped: Map<string, string>,
): boolean {
  let any = false;
  for (const podlet of running) {
    for (const [pkg, range] of Object.entries(podlet.needs)) {
      const exposer = exposers.get(pkg);
      if (!exposer) continue;
      const down = dropped.has(exposer.name);
      if (down || !satisfies(exposer.packageVersion ?? '', range)) {
        const why = `podlet "${exposer.name}" exposes ${exposer.packageVersion}${down ? ' but cannot run' : ''}`;
        dropped.set(podlet.name, `${pkg}@${range} for podlet "${podlet.name}": ${why}`);
        any = true;
      }
    }
  }
  return any;
}

// Exposed versions and ranges repeat on every round of planPage(): each pair is checked once.
const satisfied = new Map<string, boolean>();
function satisfies(version: string, range: string): boolean {
  const key = `${version}\0${range}`;
  let answer = satisfied.get(key);
  if (answer === undefined) {
    answer = semver.satisfies(version, range);
    // A bounded cache: a layout sees few distinct versions and ranges, but never grows without end.
    if (satisfied.size > 10_000) satisfied.clear();
    satisfied.set(key, answer);
  }
  return answer;
}
