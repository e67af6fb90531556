import { PodmapError } from '../../shared/errors.ts';
import type { ExportSubpath } from './read-export-subpaths.ts';

/** More subpaths than this from one `exports` pattern is a package to publish differently, not a page's dependency. */
const maxPatternMatches = 2000;
/**
 * Files looked at and pattern lookups made while expanding, over all patterns of a package.
 * Real packages use a small fraction of it; only an exports map built to be expensive (thousands
 * of patterns over one large folder) reaches it, and is refused rather than block the CDN.
 */
const maxPatternWork = 5_000_000;

interface Pattern {
  key: string;
  base: string;
  trailer: string;
  targetPrefix: string;
  targetSuffix: string | undefined;
}

/**
 * Expands the subpath patterns of an exports map ("./locale/*" → "./dist/locale/*.js") over a
 * package's files: every [subpath, file] where the file matches the pattern's target and the
 * subpath resolves, by Node's rules, through that pattern (not an exact key, not a more specific
 * pattern, which may exclude it with null). Each pattern reads only the files under its target's
 * fixed prefix (a binary search in the sorted paths), and finding the pattern that wins a subpath
 * probes only the base and trailer lengths the patterns have, so 20,000 patterns stay fast.
 * `normalise` turns a target into a package path. Throws PODMAP_ERR_CDN_MANIFEST_TOO_LARGE past
 * maxPatternWork.
 */
export function* expandExportPatterns(
  subpaths: readonly ExportSubpath[],
  files: ReadonlyMap<string, Buffer>,
  normalise: (target: string) => string,
): Generator<[string, string]> {
  const exact = new Set(subpaths.filter(({ key }) => !key.includes('*')).map(({ key }) => key));
  const patterns = subpaths.filter(({ key }) => key.indexOf('*') !== -1 && key.indexOf('*') === key.lastIndexOf('*')).map(toPattern);
  if (patterns.length === 0) return;
  // Node's PATTERN_KEY_COMPARE: the longer fixed part first, then the longer key.
  patterns.sort((a, b) => b.base.length - a.base.length || b.key.length - a.key.length);
  const winner = createWinnerLookup(patterns);
  const sorted = [...files.keys()].sort();
  let work = 0;
  const spend = (amount: number) => {
    work += amount;
    if (work > maxPatternWork) throw new PodmapError('PODMAP_ERR_CDN_MANIFEST_TOO_LARGE', 'its exports patterns cost too much to expand');
  };
  for (const pattern of patterns) {
    if (pattern.targetSuffix === undefined) continue; // null, no browser target, or not one "*"
    const prefix = normalise(`${pattern.targetPrefix}\u0000`).slice(0, -1);
    const suffix = pattern.targetSuffix;
    let matches = 0;
    for (let i = lowerBound(sorted, prefix); i < sorted.length && sorted[i]!.startsWith(prefix); i++) {
      spend(1);
      const file = sorted[i]!;
      if (!file.endsWith(suffix) || file.length <= prefix.length + suffix.length) continue;
      const subpath = `${pattern.base}${file.slice(prefix.length, file.length - suffix.length)}${pattern.trailer}`;
      if (exact.has(subpath) || winner(subpath, spend) !== pattern) continue;
      yield [subpath, file];
      if (++matches >= maxPatternMatches) break;
    }
  }
}

function toPattern({ key, target }: ExportSubpath): Pattern {
  const star = key.indexOf('*');
  const parts = target?.split('*');
  return {
    key,
    base: key.slice(0, star),
    trailer: key.slice(star + 1),
    targetPrefix: parts?.length === 2 ? parts[0]! : '',
    targetSuffix: parts?.length === 2 ? parts[1]! : undefined,
  };
}

/**
 * The pattern a subpath resolves through: the longest base it starts with, then the longest
 * trailer it ends with, with at least one character for "*". Indexed by base, then trailer.
 */
function createWinnerLookup(patterns: readonly Pattern[]): (subpath: string, spend: (n: number) => void) => Pattern | undefined {
  const byBase = new Map<string, { byTrailer: Map<string, Pattern>; trailerLengths: number[] }>();
  for (const pattern of patterns) {
    let group = byBase.get(pattern.base);
    if (!group) byBase.set(pattern.base, (group = { byTrailer: new Map(), trailerLengths: [] }));
    // Sorted most specific first, so the first of two equal keys is the one Node picks.
    if (!group.byTrailer.has(pattern.trailer)) group.byTrailer.set(pattern.trailer, pattern);
  }
  for (const group of byBase.values()) {
    group.trailerLengths = [...new Set([...group.byTrailer.keys()].map((trailer) => trailer.length))].sort((a, b) => b - a);
  }
  const baseLengths = [...new Set(patterns.map((pattern) => pattern.base.length))].sort((a, b) => b - a);
  return (subpath, spend) => {
    for (const baseLength of baseLengths) {
      if (baseLength >= subpath.length) continue;
      spend(1);
      const group = byBase.get(subpath.slice(0, baseLength));
      if (!group) continue;
      for (const trailerLength of group.trailerLengths) {
        if (baseLength + 1 + trailerLength > subpath.length) continue;
        spend(1);
        const pattern = group.byTrailer.get(subpath.slice(subpath.length - trailerLength));
        if (pattern) return pattern;
      }
    }
    return undefined;
  };
}

/** The first index whose path is not below `prefix` in sort order. */
function lowerBound(sorted: readonly string[], prefix: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  return low;
}
