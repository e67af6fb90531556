import type { ImportMap, SpecifierMap } from './import-map.ts';

/** How one specifier resolved: the URL, and the map entry that gave it (null: none did). */
export interface Resolution {
  /** The absolute URL, or null where a browser throws a TypeError. */
  url: string | null;
  /** The scope whose entry matched (its key), or null for top-level `imports` or no entry. */
  scope: string | null;
  /** The matching key (exact or trailing-slash prefix), or null when no entry of the map matched. */
  key: string | null;
}

/**
 * Resolves `specifier` imported by the module at `referrer` the way a browser does with `map`
 * (HTML spec, "resolve a module specifier"): the most specific matching scope first, then
 * `imports`; exact keys before the longest matching trailing-slash prefix. Returns the absolute
 * URL, or null where the browser would throw a TypeError. Used to walk module graphs for
 * preloading and by tests that check a generated map.
 */
export function resolveSpecifier(map: ImportMap, specifier: string, referrer: string): string | null {
  return resolve(map, specifier, referrer, null);
}

/**
 * resolveSpecifier(), also saying which entry of the map answered, so a caller can keep only
 * the entries a page uses (trimImportMap). Agrees with the HTML spec and Chromium where a naive
 * lookup would not: only the map's own keys count (`constructor` or `__proto__` never resolve
 * through Object.prototype); a trailing-slash key prefix-matches bare specifiers and URLs of
 * special schemes only (a key `data:text/` leaves `data:text/javascript,…` alone); a prefix
 * match that climbs out of its target, or an entry whose value is not a URL string, is null.
 *
 * Nothing is sorted or scanned per call, and the map may change between calls: the scopes that
 * can apply to `referrer` are the referrer itself and its prefixes that end in "/", looked up
 * longest first, which is the spec's order; the keys that can prefix-match a specifier are looked
 * up the same way. A bare specifier (no ":" and no leading "/", "./" or "../") is never parsed as
 * a URL, so it costs no thrown exception.
 */
export function resolveWithEntry(map: ImportMap, specifier: string, referrer: string): Resolution {
  const entry: Resolution = { url: null, scope: null, key: null };
  entry.url = resolve(map, specifier, referrer, entry);
  return entry;
}

// The key matchInSpecifierMap() matched last: a variable, not a result object, because a page's
// rebuild resolves tens of thousands of imports and each object would be garbage at once.
let matchedKey = '';

/** The resolution; when `entry` is given, the scope and key that answered are written into it. */
function resolve(map: ImportMap, specifier: string, referrer: string, entry: Resolution | null): string | null {
  const asUrl = parseUrlLikeSpecifier(specifier, referrer);
  const normalized = asUrl ?? specifier;
  const prefixes = asUrl === null || isSpecialUrl(asUrl);
  const scopes = map.scopes;
  if (scopes && hasKeys(scopes)) {
    // The referrer itself (a scope key without a trailing slash matches only it), then each of
    // its prefixes that ends in "/", longest first.
    let scope = referrer;
    let slash = referrer.endsWith('/') ? referrer.lastIndexOf('/', referrer.length - 2) : referrer.lastIndexOf('/');
    for (;;) {
      const entries = Object.hasOwn(scopes, scope) ? scopes[scope] : undefined;
      const url = entries ? matchInSpecifierMap(entries, normalized, prefixes) : undefined;
      if (url !== undefined) {
        if (entry) [entry.scope, entry.key] = [scope, matchedKey];
        return url;
      }
      if (slash < 0) break;
      scope = referrer.slice(0, slash + 1);
      slash = slash === 0 ? -1 : referrer.lastIndexOf('/', slash - 1);
    }
  }
  const url = matchInSpecifierMap(map.imports, normalized, prefixes);
  if (url === undefined) return asUrl;
  if (entry) entry.key = matchedKey;
  return url;
}

function hasKeys(record: object): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
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
  // Without a base, the URL parser needs a scheme and its ":"; no ":" means it would fail.
  if (!specifier.includes(':')) return null;
  try {
    return new URL(specifier).href;
  } catch {
    return null;
  }
}

/** The HTML spec's special schemes: only their URLs may match a trailing-slash key by prefix. */
function isSpecialUrl(url: string): boolean {
  const scheme = url.slice(0, url.indexOf(':'));
  return scheme === 'http' || scheme === 'https' || scheme === 'file' || scheme === 'ws' || scheme === 'wss' || scheme === 'ftp';
}

/**
 * The spec's "resolve an imports match" over one specifier map: undefined when no key matches
 * (the caller goes on to the next scope), otherwise the URL (null: the spec throws), with the
 * key that matched in `matchedKey`.
 */
function matchInSpecifierMap(specifierMap: SpecifierMap, specifier: string, prefixes: boolean): string | null | undefined {
  if (Object.hasOwn(specifierMap, specifier)) {
    matchedKey = specifier;
    const exact = specifierMap[specifier];
    return typeof exact === 'string' ? exact : null;
  }
  if (!prefixes) return undefined;
  // A key that prefix-matches ends in "/" at one of the specifier's own "/": try those, longest first.
  for (let slash = specifier.lastIndexOf('/'); slash >= 0; slash = slash === 0 ? -1 : specifier.lastIndexOf('/', slash - 1)) {
    const key = specifier.slice(0, slash + 1);
    if (key === specifier || !Object.hasOwn(specifierMap, key)) continue;
    matchedKey = key;
    const target = specifierMap[key];
    return typeof target === 'string' ? resolvePrefixMatch(specifier.slice(key.length), target) : null;
  }
  return undefined;
}

function resolvePrefixMatch(afterPrefix: string, target: string): string | null {
  // The spec's parser drops a trailing-slash key whose address does not end in "/" too.
  if (!target.endsWith('/')) return null;
  try {
    const resolved = new URL(afterPrefix, target).href;
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
