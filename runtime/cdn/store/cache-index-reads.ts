import { createLruCache } from '../../shared/create-lru-cache.ts';
import type { CdnStore, StoredObject } from './cdn-store.ts';

/** A store for reading only, whose index reads are cached; `forget()` drops the cache. */
export type CachedReads = CdnStore & { forget(): void };

/**
 * The store, with reads of the index (`-index/…`: versions lists, aliases, maps) kept in memory
 * for `ttlMs`, at most 10,000 of them, least recently used out first. For the GET handlers of a
 * CDN server on object storage, where every such read is a round trip: clients may cache these
 * answers for the alias max-age anyway, so a second of staleness is within the contract. Never
 * for writers: a compare-and-swap must read the ETag as it is now.
 */
export function cacheIndexReads(store: CdnStore, ttlMs: number, now: () => number = Date.now): CachedReads {
  if (ttlMs <= 0) return { ...store, forget: () => {} };
  const cache = createLruCache<string, { at: number; value: Promise<StoredObject | null> }>(10_000);
  return {
    ...store,
    read(key) {
      if (!key.startsWith('-index/')) return store.read(key);
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.value;
      const value = store.read(key);
      // A failed read is not kept: the next request asks the store again.
      value.catch(() => cache.delete(key));
      cache.set(key, { at: now(), value });
      return value;
    },
    forget: () => cache.clear(),
  };
}
