import semver from 'semver';

/**
 * The compatibility line of an exact version, which is also its alias on the CDN: the major
 * ("3"), or "0.<minor>" below 1.0.0 because semver makes each 0.x minor a line of its own.
 */
export function versionLine(version: string): string {
  const v = semver.parse(version);
  if (!v) throw new TypeError(`Not a semver version: ${version}`);
  return v.major > 0 ? String(v.major) : `0.${v.minor}`;
}

/**
 * The newest version of `versions` in the compatibility line `line` ("3" or "0.1"), skipping
 * prereleases; null when there is none. Alias redirects and the versions list use it.
 */
export function newestInLine(versions: readonly string[], line: string): string | null {
  return semver.maxSatisfying([...versions], `${line}.x`);
}

/** The newest version of `versions` that satisfies the npm range `range`; null when none does. */
export function chooseVersion(versions: readonly string[], range: string): string | null {
  // A range that semver cannot parse (a git URL, "file:", "workspace:") matches nothing.
  if (semver.validRange(range) === null) return null;
  return semver.maxSatisfying([...versions], range);
}

/** `{ line: newest }` for every compatibility line present in `versions`. */
export function listMajors(versions: readonly string[]): Record<string, string> {
  const majors: Record<string, string> = {};
  for (const version of versions) {
    if (semver.prerelease(version)) continue;
    const line = versionLine(version);
    const current = majors[line];
    if (!current || semver.gt(version, current)) majors[line] = version;
  }
  return majors;
}
