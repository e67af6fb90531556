import type { CdnStore } from './cdn-store.ts';

// Stored files never change, so their bytes can be kept; bounded so a big store cannot exhaust
// memory. Measured in bench/cdn.ts: a read stream per request held a small file to ~4.7k req/s,
// and every read from object storage is a round trip.
const maxCachedFileBytes = 1024 * 1024;
const maxCacheBytes = 64 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

/**
 * The bytes of a stored file, from memory when they are there, least recently used out first
 * once 64 MiB is held. Files over 1 MiB are not kept: on the file system store the caller streams
 * them (null), on object storage they are read for each request. Null too for a missing file.
 */
export async function readStoredFile(store: CdnStore, key: string, size: number): Promise<Buffer | null> {
  const cacheKey = `${store.location}\u0000${key}`;
  const hit = cache.get(cacheKey);
  if (hit) {
    // Re-inserted, so the Map's first entry is always the least recently used.
    cache.delete(cacheKey);
    cache.set(cacheKey, hit);
    return hit;
  }
  if (size > maxCachedFileBytes) return store.root === undefined ? ((await store.read(key))?.body ?? null) : null;
  const bytes = (await store.read(key))?.body;
  if (!bytes) return null;
  cache.set(cacheKey, bytes);
  cachedBytes += bytes.length;
  for (const [oldest, value] of cache) {
    if (cachedBytes <= maxCacheBytes) break;
    cache.delete(oldest);
    cachedBytes -= value.length;
  }
  return bytes;
}
