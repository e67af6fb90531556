import { exports as resolveExports } from 'resolve.exports';
import type { PackageManifest } from '../shared/cdn-protocol/types.ts';

// The browser loads production builds as ES modules. resolve.exports' `unsafe` mode adds only
// these conditions and "default" — never "node", "require", "development" or "types".
const conditions = { unsafe: true, conditions: ['browser', 'production', 'import'] } as const;
// Stands in for "*" when a subpath pattern is resolved, so the target's prefix can be read back.
const star = '\u0000podmap-star\u0000';

/**
 * The import-map entries a package contributes, with targets relative to its root: its
 * `exports` resolved for the browser (see `conditions`), or `browser`/`module`/`main` when it
 * has none, plus `<name>/` → `./` so deep imports resolve. Entries the `<name>/` prefix already
 * maps to the same file are left out, which keeps lit's map to `lit` and `lit/`. Subpath
 * patterns become prefix entries when import maps can express them ("./*.js" → "./public/*.js"
 * gives `<name>/` → `./public/`). Pure; called at publish time.
 */
export function collectExportEntries(manifest: PackageManifest): Record<string, string> {
  const { name } = manifest;
  const entries: Record<string, string> = {};
  if (manifest.exports !== undefined && manifest.exports !== null) {
    for (const key of subpathKeys(manifest.exports)) addExport(manifest, key, entries);
  } else {
    const browser = typeof manifest.browser === 'string' ? manifest.browser : undefined;
    entries[name] = relative(browser ?? manifest.module ?? manifest.main ?? 'index.js');
  }
  entries[`${name}/`] ??= './';
  return dropCoveredEntries(entries);
}

/** The subpath keys of an `exports` field; a bare target or a conditions object means ".". */
function subpathKeys(field: unknown): string[] {
  if (typeof field === 'object' && !Array.isArray(field)) {
    const keys = Object.keys(field as object);
    if (keys.length > 0 && keys.every((key) => key.startsWith('.'))) return keys;
  }
  return ['.'];
}

function addExport(manifest: PackageManifest, key: string, entries: Record<string, string>): void {
  const specifier = key === '.' ? manifest.name : `${manifest.name}${key.slice(1)}`;
  const starAt = key.indexOf('*');
  if (starAt === -1) {
    const target = resolveOne(manifest, key);
    if (target) entries[specifier] = target;
    return;
  }
  // Import maps have prefixes, not patterns: "./a/*.js" → "./b/*.js" fits as "a/" → "b/" only
  // when both sides end their fixed part with "/" and share the suffix after "*".
  const keyPrefix = key.slice(0, starAt);
  const keySuffix = key.slice(starAt + 1);
  const target = resolveOne(manifest, `${keyPrefix}${star}${keySuffix}`);
  if (!target) return;
  const [targetPrefix, targetSuffix] = target.split(star);
  if (targetSuffix === keySuffix && keyPrefix.endsWith('/') && targetPrefix?.endsWith('/')) {
    entries[`${manifest.name}${keyPrefix.slice(1)}`] = targetPrefix;
  }
}

function resolveOne(manifest: PackageManifest, entry: string): string | null {
  try {
    const result = resolveExports(manifest, entry, conditions);
    return result?.[0] ? relative(result[0]) : null;
  } catch {
    // A null target (an excluded subpath) or no matching condition: nothing to map.
    return null;
  }
}

function relative(target: string): string {
  return target.startsWith('./') ? target : `./${target.replace(/^\/+/, '')}`;
}

/** Drops exact entries that the longest matching prefix entry resolves to the same target. */
function dropCoveredEntries(entries: Record<string, string>): Record<string, string> {
  const prefixes = Object.keys(entries)
    .filter((key) => key.endsWith('/'))
    .sort((a, b) => b.length - a.length);
  const kept: Record<string, string> = {};
  for (const [key, target] of Object.entries(entries)) {
    const prefix = key.endsWith('/') ? undefined : prefixes.find((p) => key.startsWith(p));
    if (prefix && `${entries[prefix]}${key.slice(prefix.length)}` === target) continue;
    kept[key] = target;
  }
  return kept;
}
