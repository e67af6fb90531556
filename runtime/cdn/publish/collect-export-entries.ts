import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { readExportSubpaths, type ExportSubpath } from '../build/read-export-subpaths.ts';

/**
 * The import-map entries a package contributes, with targets relative to its root: its
 * `exports` resolved for the browser (readExportSubpaths), or `browser`/`module`/`main` when it
 * has none, plus `<name>/` → `./` so deep imports resolve. Entries the `<name>/` prefix already
 * maps to the same file are left out, which keeps lit's map to `lit` and `lit/`. Subpath
 * patterns become prefix entries when import maps can express them ("./*.js" → "./public/*.js"
 * gives `<name>/` → `./public/`). Pure, and linear in the size of the exports map; called at
 * publish time. Throws PODMAP_ERR_CDN_MANIFEST_TOO_LARGE over maxExportKeys keys.
 */
export function collectExportEntries(manifest: PackageManifest): Record<string, string> {
  const { name } = manifest;
  const entries: Record<string, string> = {};
  if (manifest.exports !== undefined && manifest.exports !== null) {
    for (const subpath of readExportSubpaths(manifest)) addExport(name, subpath, entries);
  } else {
    const browser = typeof manifest.browser === 'string' ? manifest.browser : undefined;
    entries[name] = relative(browser ?? manifest.module ?? manifest.main ?? 'index.js');
  }
  entries[`${name}/`] ??= './';
  return dropCoveredEntries(entries);
}

function addExport(name: string, { key, target }: ExportSubpath, entries: Record<string, string>): void {
  if (target === null) return; // an excluded subpath, or no browser condition: nothing to map
  const starAt = key.indexOf('*');
  if (starAt === -1) {
    entries[key === '.' ? name : `${name}${key.slice(1)}`] = relative(target);
    return;
  }
  // Import maps have prefixes, not patterns: "./a/*.js" → "./b/*.js" fits as "a/" → "b/" only
  // when both sides end their fixed part with "/" and share the suffix after "*".
  const keyPrefix = key.slice(0, starAt);
  const keySuffix = key.slice(starAt + 1);
  const parts = relative(target).split('*');
  if (parts.length !== 2) return;
  const [targetPrefix, targetSuffix] = parts as [string, string];
  if (targetSuffix === keySuffix && keyPrefix.endsWith('/') && targetPrefix.endsWith('/')) {
    entries[`${name}${keyPrefix.slice(1)}`] = targetPrefix;
  }
}

function relative(target: string): string {
  return target.startsWith('./') ? target : `./${target.replace(/^\/+/, '')}`;
}

/**
 * Drops exact entries that the longest matching prefix entry resolves to the same target. The
 * longest prefix is found by probing only the lengths prefix entries have, longest first, so a
 * map with thousands of prefixes and exact entries stays linear.
 */
function dropCoveredEntries(entries: Record<string, string>): Record<string, string> {
  const prefixes = new Set(Object.keys(entries).filter((key) => key.endsWith('/')));
  const lengths = [...new Set([...prefixes].map((prefix) => prefix.length))].sort((a, b) => b - a);
  const kept: Record<string, string> = {};
  for (const [key, target] of Object.entries(entries)) {
    const prefix = key.endsWith('/') ? undefined : longestPrefix(key, prefixes, lengths);
    if (prefix && `${entries[prefix]}${key.slice(prefix.length)}` === target) continue;
    kept[key] = target;
  }
  return kept;
}

function longestPrefix(key: string, prefixes: ReadonlySet<string>, lengths: readonly number[]): string | undefined {
  for (const length of lengths) {
    if (length > key.length || key[length - 1] !== '/') continue;
    const candidate = key.slice(0, length);
    if (prefixes.has(candidate)) return candidate;
  }
  return undefined;
}
