/** A Map with a bound on its entries; see createLruCache(). */
export interface LruCache<K, V> {
  /** The most entries it keeps. */
  readonly maxEntries: number;
  readonly size: number;
  /** The value, and marks it the most recently used. */
  get(key: K): V | undefined;
  /** Stores the value as the most recently used; past `maxEntries`, the least recently used entry goes. */
  set(key: K, value: V): void;
  delete(key: K): boolean;
  clear(): void;
  /** The keys from the least to the most recently used. */
  keys(): IterableIterator<K>;
}

/**
 * A least-recently-used cache of at most `maxEntries` entries. A Map keeps insertion order, so
 * moving a key to the end on every read makes its first key the least recently used one: get,
 * set and eviction are O(1) with no list of our own.
 */
export function createLruCache<K, V>(maxEntries: number): LruCache<K, V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be an integer ≥ 1, not ${maxEntries}`);
  const map = new Map<K, V>();
  return {
    maxEntries,
    get size() {
      return map.size;
    },
    get(key) {
      if (!map.has(key)) return undefined;
      const value = map.get(key) as V;
      map.delete(key);
      map.set(key, value);
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      while (map.size > maxEntries) map.delete(map.keys().next().value as K);
    },
    delete: (key) => map.delete(key),
    clear: () => map.clear(),
    keys: () => map.keys(),
  };
}
