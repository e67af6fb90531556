import type { ImportMap, SpecifierMap } from './import-map.ts';

/**
 * Resolves `specifier` imported by the module at `referrer` the way a browser does with `map`
 * (HTML spec, "resolve a module specifier"): the most specific matching scope first, then
 * `imports`; exact keys before the longest matching trailing-slash prefix. Returns the absolute
 * URL, or null where the browser would throw a TypeError. Used to walk module graphs for
 * preloading and by tests that check a generated map.
 */
export function resolveSpecifier(map: ImportMap, specifier: string, referrer: string): string | null {
  const asUrl = parseUrlLikeSpecifier(specifier, referrer);
  const normalized = asUrl ?? specifier;
  // Scope keys are URL prefixes; the spec walks them from the most specific (longest) down.
  const scopes = Object.keys(map.scopes ?? {}).sort(compareKeysBySpecificity);
  for (const scope of scopes) {
    if (scope === referrer || (scope.endsWith('/') && referrer.startsWith(scope))) {
      const hit = resolveInSpecifierMap(map.scopes![scope]!, normalized);
      if (hit !== undefined) return hit;
    }
  }
  const hit = resolveInSpecifierMap(map.imports, normalized);
  if (hit !== undefined) return hit;
  return asUrl;
}

/** Relative and absolute URL specifiers resolve against the referrer; bare ones return null. */
function parseUrlLikeSpecifier(specifier: string, referrer: string): string | null {
  if (specifier.startsWith('/') || specifier.startsWith('./') || specifier.startsWith('../')) {
    try {
      return new URL(specifier, referrer).href;
    } catch {
      return null;
    }
  }
  try {
    return new URL(specifier).href;
  } catch {
    return null;
  }
}

function resolveInSpecifierMap(specifierMap: SpecifierMap, specifier: string): string | null | undefined {
  const exact = specifierMap[specifier];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key of Object.keys(specifierMap)) {
    if (key.endsWith('/') && specifier.startsWith(key) && (best === undefined || key.length > best.length)) {
      best = key;
    }
  }
  if (best === undefined) return undefined;
  const target = specifierMap[best]!;
  try {
    const resolved = new URL(specifier.slice(best.length), target).href;
    // The spec refuses a prefix match that would climb out of its target ("backtracking").
    return resolved.startsWith(target) ? resolved : null;
  } catch {
    return null;
  }
}

/** Longer keys first; among equal lengths, code-unit order, as the spec sorts them. */
export function compareKeysBySpecificity(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
