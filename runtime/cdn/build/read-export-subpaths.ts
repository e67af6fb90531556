import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';

/**
 * The most subpath keys an `exports` field may have (PODMAP_ERR_CDN_MANIFEST_TOO_LARGE beyond).
 * The largest real exports maps have a few thousand keys; 50,000 leaves room for them and keeps
 * publishing a bounded amount of work.
 */
export const maxExportKeys = 50_000;

/** One subpath key of an `exports` field and the target the browser loads for it. */
export interface ExportSubpath {
  /** As written: ".", "./feature.js", "./locale/*". */
  key: string;
  /** The target for the browser conditions, as written ("./dist/*.js"); null when excluded or no condition matches. */
  target: string | null;
}

// The browser loads production builds as ES modules: never "node", "require", "development" or "types".
const conditions = new Set(['browser', 'production', 'import', 'default']);
// Deeper condition nesting than this is no real package's; it would only cost stack.
const maxDepth = 32;

/**
 * The subpath keys of a manifest's `exports` field, in the field's order, each with its target
 * resolved for the browser conditions from its own value (Node's algorithm for conditions and
 * fallback arrays). A bare target or a conditions object is the single key ".". Each key costs
 * constant work beyond its own value, so a large exports map is linear, not quadratic. Throws
 * PODMAP_ERR_CDN_MANIFEST_TOO_LARGE over maxExportKeys keys. Empty without an `exports` field.
 */
export function readExportSubpaths(manifest: PackageManifest): ExportSubpath[] {
  const field: unknown = manifest.exports;
  if (field === undefined || field === null) return [];
  if (typeof field !== 'object' || Array.isArray(field)) return [{ key: '.', target: resolveTarget(field, 0) ?? null }];
  const keys = Object.keys(field);
  if (keys.length > maxExportKeys) {
    throw new PodmapError('PODMAP_ERR_CDN_MANIFEST_TOO_LARGE', `${keys.length} exports keys (at most ${maxExportKeys})`);
  }
  if (keys.length === 0 || !keys.every((key) => key.startsWith('.'))) return [{ key: '.', target: resolveTarget(field, 0) ?? null }];
  const values = field as Record<string, unknown>;
  return keys.map((key) => ({ key, target: resolveTarget(values[key], 0) ?? null }));
}

/** A target string, null (excluded), or undefined (no condition matched: try the next one). */
function resolveTarget(value: unknown, depth: number): string | null | undefined {
  if (typeof value === 'string') return value;
  if (value === null || depth > maxDepth) return null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = resolveTarget(item, depth + 1);
      if (typeof target === 'string') return target;
    }
    return undefined;
  }
  if (typeof value !== 'object') return undefined;
  for (const [condition, inner] of Object.entries(value)) {
    if (!conditions.has(condition)) continue;
    const target = resolveTarget(inner, depth + 1);
    if (target !== undefined) return target;
  }
  return undefined;
}
