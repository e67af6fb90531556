import { createLruCache } from '../../shared/create-lru-cache.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { PageAssets } from './page-assets.ts';

/**
 * Pages (sets of podlets) whose assets are kept. A layout has a few dozen; the key is the page's
 * podlet list, and overrides or page options could make more, so it is bounded.
 */
export const DEFAULT_MAX_PAGES = 500;

/**
 * How long a page's import map and preloads are served before they are rebuilt in the
 * background, in ms, unless the layout's `assetsTtlMs` says otherwise: a new library version on
 * the CDN reaches pages within about this time.
 */
export const DEFAULT_ASSETS_TTL_MS = 60_000;

/**
 * How long a page whose first build failed (the CDN down, most often) is answered with that
 * failure before it is built again: 1 s, doubling with each failure in a row up to 30 s. Without
 * it every page request rebuilt, and with the CDN down made its own failing CDN requests.
 */
export const DEFAULT_FAILURE_BACKOFF = { firstMs: 1000, maxMs: 30_000 } as const;

/**
 * How soon assets built while a shaken build they could use was pending are rebuilt, in ms: the
 * page moves to the shaken builds within about this time of their being ready (docs/shaken-builds.md).
 */
export const SHAKEN_PENDING_REBUILD_MS = 1_000;

/** One page's assets in the cache. */
interface CacheEntry {
  at: number;
  value: Promise<PageAssets>;
  /** A background rebuild is running; the value stays until it is done. */
  rebuilding: boolean;
  /** First builds that failed in a row; while `retryAt` is ahead, `value` is the last failure. */
  failures: number;
  retryAt: number;
}

const noop = () => {};

/** Makes an entry whose assets wait for a shaken build go stale SHAKEN_PENDING_REBUILD_MS from now. */
function soonerIfPending(entry: CacheEntry, value: PageAssets, ttlMs: number): CacheEntry {
  if (value.shakenPending) entry.at = Math.min(entry.at, Date.now() - ttlMs + SHAKEN_PENDING_REBUILD_MS);
  return entry;
}

/**
 * A page's assets by its podlets: built on first use and kept for `ttlMs` (SHAKEN_PENDING_REBUILD_MS
 * while a shaken build they could use is pending); after that the old
 * assets are still served, with no request waiting, while one rebuild runs in the background and
 * replaces them when it is done. A failed first build is kept for a back-off (`backoff`,
 * DEFAULT_FAILURE_BACKOFF) and every request in it gets the same rejection at once; the first
 * request after it builds again. A failed rebuild is logged and keeps the old assets for another `ttlMs`. `clear()`
 * drops every page (a podlet's new release), and a rebuild still running then is thrown away.
 * At most `maxPages` pages are kept (default DEFAULT_MAX_PAGES); past that the least recently
 * served page goes, and is built again if it is asked for.
 */
export function createAssetsCache(
  build: (names: readonly string[]) => Promise<PageAssets>,
  ttlMs: number,
  maxPages = DEFAULT_MAX_PAGES,
  backoff: { firstMs: number; maxMs: number } = DEFAULT_FAILURE_BACKOFF,
): ((names: readonly string[]) => Promise<PageAssets>) & { clear(): void; readonly size: number } {
  const cache = createLruCache<string, CacheEntry>(maxPages);
  const cachedAssets = (names: readonly string[]): Promise<PageAssets> => {
    const key = names.join(',');
    const hit = cache.get(key);
    if (!hit || (hit.failures > 0 && Date.now() >= hit.retryAt)) {
      const entry: CacheEntry = { at: Date.now(), value: build(names), rebuilding: false, failures: 0, retryAt: 0 };
      const failuresBefore = hit?.failures ?? 0;
      cache.set(key, entry);
      void entry.value.then((value) => soonerIfPending(entry, value, ttlMs), noop);
      entry.value.catch(() => {
        entry.failures = failuresBefore + 1;
        entry.retryAt = Date.now() + Math.min(backoff.firstMs * 2 ** failuresBefore, backoff.maxMs);
      });
      return entry.value;
    }
    if (hit.failures > 0) return hit.value;
    if (!hit.rebuilding && Date.now() - hit.at >= ttlMs) {
      hit.rebuilding = true;
      build(names).then(
        (value) => {
          if (cache.get(key) !== hit) return;
          const entry = { at: Date.now(), value: Promise.resolve(value), rebuilding: false, failures: 0, retryAt: 0 };
          cache.set(key, soonerIfPending(entry, value, ttlMs));
        },
        (error: unknown) => {
          const podmapError = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_INTERNAL', String(error));
          console.error(`podmap: page of ${names.join(', ')}: ${podmapError.code}: ${podmapError.message} (the old assets are kept)`);
          hit.at = Date.now();
          hit.rebuilding = false;
        },
      );
    }
    return hit.value;
  };
  return Object.defineProperties(Object.assign(cachedAssets, { clear: () => cache.clear() }), {
    size: { get: () => cache.size },
  }) as typeof cachedAssets & { clear(): void; readonly size: number };
}
