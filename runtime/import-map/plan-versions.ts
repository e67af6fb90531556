import semver from 'semver';

/** One podlet's range for one package. `podlet` is null for the layout's global import map. */
export interface VersionNeed {
  podlet: string | null;
  pkg: string;
  range: string;
}

/** Which exact version of each package every podlet gets, and which one sits in `imports`. */
export interface VersionPlan {
  /** package → the version written into top-level `imports`. */
  topLevel: Record<string, string>;
  /** podlet → package → version, for every need that could be met. */
  assigned: Record<string, Record<string, string>>;
  /**
   * Needs the page does not meet: no available version satisfies them, or (global map only,
   * podlet null) the version in top-level `imports` does not, because another line is used more.
   */
  unsatisfied: VersionNeed[];
}

/**
 * The compatibility line of a version: its major, or "0.<minor>" below 1.0.0, because semver
 * makes every 0.x minor a line of its own. Alias URLs on the CDN use the same key.
 */
export function compatibilityLine(version: string): string {
  let line = lines.get(version);
  if (line === undefined) {
    const v = semver.parse(version);
    if (!v) throw new TypeError(`Not a semver version: ${version}`);
    line = v.major > 0 ? String(v.major) : `0.${v.minor}`;
    // Planning asks for the same few versions' lines on every page: a bounded memo.
    if (lines.size > 10_000) lines.clear();
    lines.set(version, line);
  }
  return line;
}

const lines = new Map<string, string>();

/** The semver range that accepts exactly one compatibility line ("3" → "3.x", "0.1" → "0.1.x"). */
export function rangeForLine(line: string): string {
  return `${line}.x`;
}

/**
 * Chooses versions for a page. Called by the layout each time the set of manifests changes.
 *
 * Rules (docs/import-maps.md explains them with an example):
 * - Needs in one compatibility line share one version: the newest that satisfies all of their
 *   ranges (minors are equalised); if no version satisfies all, each gets its own newest match.
 * - Top-level `imports` holds the most-used compatibility line (counted in podlets), and in it the
 *   version most of its podlets got; ties go to what the global import map asks for, then to the
 *   newest. Every other podlet is scoped.
 * - A need no available version satisfies is reported, never guessed. So is a global need whose
 *   line lost the top-level place: the global map has no base URL to scope it to.
 * The result depends only on the set of needs, not on their order.
 */
export function planVersions(needs: readonly VersionNeed[], available: Record<string, readonly string[]>): VersionPlan {
  const plan: VersionPlan = { topLevel: {}, assigned: {}, unsatisfied: [] };
  const byPackage = new Map<string, VersionNeed[]>();
  for (const need of needs) {
    const list = byPackage.get(need.pkg) ?? [];
    list.push(need);
    byPackage.set(need.pkg, list);
  }
  for (const pkg of [...byPackage.keys()].sort()) {
    const chosen = chooseVersions(byPackage.get(pkg)!, available[pkg] ?? [], plan.unsatisfied);
    if (chosen.size === 0) continue;
    const top = pickTopLevel(chosen);
    plan.topLevel[pkg] = top;
    for (const [need, version] of chosen) {
      if (need.podlet === null) {
        // The global map has no base URL to scope, so it gets whatever sits in imports. Where
        // the most-used line is another one, its need is not met, and saying so beats silence.
        if (!semver.satisfies(top, need.range)) plan.unsatisfied.push(need);
        continue;
      }
      (plan.assigned[need.podlet] ??= {})[pkg] = version;
    }
  }
  // Code-unit order over every field: the global map may ask for one package twice, and a
  // locale-aware compare would make the order depend on the server's locale.
  const key = (n: VersionNeed) => `${n.pkg}\0${n.podlet ?? ''}\0${n.range}`;
  plan.unsatisfied.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return plan;
}

/**
 * The version each need of one package gets: needs whose newest match falls in the same
 * compatibility line share the newest version that satisfies all of their ranges, or each keeps
 * its own newest match when none does. Needs nothing satisfies go to `unsatisfied`. Prereleases
 * are never chosen.
 */
function chooseVersions(needs: readonly VersionNeed[], available: readonly string[], unsatisfied: VersionNeed[]): Map<VersionNeed, string> {
  const versions = available.filter((v) => semver.valid(v) && !semver.prerelease(v));
  // Ranges repeat across podlets (a hundred podlets on "^3.1.0"): each is matched once.
  const newestMatch = new Map<string, string | null>();
  const newestFor = (range: string) => {
    if (!newestMatch.has(range)) newestMatch.set(range, semver.validRange(range) ? semver.maxSatisfying(versions, range) : null);
    return newestMatch.get(range)!;
  };
  const lines = new Map<string, VersionNeed[]>();
  for (const need of needs) {
    const newest = newestFor(need.range);
    if (!newest) {
      unsatisfied.push(need);
      continue;
    }
    const line = compatibilityLine(newest);
    (lines.get(line) ?? lines.set(line, []).get(line)!).push(need);
  }
  const chosen = new Map<VersionNeed, string>();
  for (const group of lines.values()) {
    const ranges = [...new Set(group.map((n) => n.range))];
    const shared = semver.maxSatisfying(
      versions.filter((v) => ranges.every((range) => semver.satisfies(v, range))),
      '*',
    );
    for (const need of group) chosen.set(need, shared ?? newestFor(need.range)!);
  }
  return chosen;
}

/**
 * The most-used compatibility line wins, counted in podlets (ties: the line the global map asks
 * for, then the newest); within it, the version most of its podlets got, with the same tie rules.
 * Counting by line and not by version matters when a line could not share one version: two
 * podlets on 3.1.5 and 3.3.3 are still two users of lit 3.
 */
function pickTopLevel(chosen: Map<VersionNeed, string>): string {
  const lineOf = compatibilityLine;
  const tally = (keyOf: (version: string) => string, among: (version: string) => boolean) => {
    const users = new Map<string, { podlets: number; global: boolean; newest: string }>();
    for (const [need, version] of chosen) {
      if (!among(version)) continue;
      const key = keyOf(version);
      const entry = users.get(key) ?? { podlets: 0, global: false, newest: version };
      if (need.podlet === null) entry.global = true;
      else entry.podlets += 1;
      if (version !== entry.newest && semver.gt(version, entry.newest)) entry.newest = version;
      users.set(key, entry);
    }
    return [...users.entries()].sort(
      ([, a], [, b]) => b.podlets - a.podlets || Number(b.global) - Number(a.global) || semver.rcompare(a.newest, b.newest),
    )[0]![0];
  };
  const line = tally(lineOf, () => true);
  return tally(
    (v) => v,
    (v) => lineOf(v) === line,
  );
}
