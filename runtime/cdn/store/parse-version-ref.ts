import semver from 'semver';
import { PodmapError } from '../../shared/errors.ts';

/** A version as written in a URL: an exact version, or the alias of a compatibility line. */
export type VersionRef = { exact: string } | { line: string };

const aliasPattern = /^(?:[1-9][0-9]{0,8}|0\.(?:0|[1-9][0-9]{0,8}))$/;

/**
 * Parses the part after "@" in `<name>@<ref>`: "3.3.3" → exact, "3" or "0.1" → line. Only the
 * canonical spelling is accepted ("v3.3.3", "=3.3.3" and "03" are not), so one version has one
 * URL and one folder. Throws PODMAP_ERR_CDN_BAD_VERSION otherwise.
 */
export function parseVersionRef(ref: string): VersionRef {
  if (aliasPattern.test(ref)) return { line: ref };
  if (ref.length <= 256 && semver.valid(ref) === ref) return { exact: ref };
  throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', JSON.stringify(ref.slice(0, 64)));
}
