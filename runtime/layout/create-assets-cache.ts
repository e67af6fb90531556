import { createLruCache } from '../shared/create-lru-cache.ts';
import { PodmapError } from '../shared/errors.ts';
import type { PageAssets } from './page-assets.ts';

/**
 * Pages (sets of podlets) whose assets are kept. A layout has a few dozen; the key is the page's
 * podlet list, and overrides or page options could make more, so it is bounded.
 */
export const DEFAULT_MAX_PAGES = 500;

/** One page's assets in the cache. */
interface CacheEntry {
  at: number;
  value: Promise<PageAssets>;
  /** A background rebuild is running; the value stays until it is done. */
  rebuilding: boolean;
}

/**
 * A page's assets by its podlets: built on first use and kept for `ttlMs`; after that the old
 * assets are still served, with no request waiting, while one rebuild runs in the background and
 * replaces them when it is done. A failed first build is forgotten (the next request tries
 * again); a failed rebuild is logged and keeps the old assets for another `ttlMs`. `clear()`
 * drops every page (a podlet's new release), and a rebuild still running then is thrown away.
 * At most `maxPages` pages are kept (default DEFAULT_MAX_PAGES); past that the least recently
 * served page goes, and is built again if it is asked for.
 */
export function createAssetsCache(
  build: (names: readonly string[]) => Promise<PageAssets>,
  ttlMs: number,
  maxPages = DEFAULT_MAX_PAGES,
): ((names: readonly string[]) => Promise<PageAssets>) & { clear(): void; readonly size: number } {
  const cache = createLruCache<string, CacheEntry>(maxPages);
  const cachedAssets = (names: readonly string[]): Promise<PageAssets> => {
    const key = names.join(',');
    const hit = cache.get(key);
    if (!hit) {
      const entry: CacheEntry = { at: Date.now(), value: build(names), rebuilding: false };
      cache.set(key, entry);
      entry.value.catch(() => cache.get(key) === entry && cache.delete(key));
      return entry.value;
    }
    if (!hit.rebuilding && Date.now() - hit.at >= ttlMs) {
      hit.rebuilding = true;
      build(names).then(
        (value) => {
          if (cache.get(key) === hit) cache.set(key, { at: Date.now(), value: Promise.resolve(value), rebuilding: false });
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
