import semver from 'semver';
// The CDN's aliases and the layout's version plan must agree on what a compatibility line is,
// so both use the one definition.
import { compatibilityLine as versionLine } from '../../import-map/index.ts';

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
