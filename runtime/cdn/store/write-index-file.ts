import { PodmapError } from '../../shared/errors.ts';
import type { CdnStore } from './cdn-store.ts';

/**
 * Makes the index file `key` hold `text` by compare-and-swap on the ETag just read. A file that
 * already holds `text` is left alone (its ETag, and nginx's, only change when its content does).
 * Throws PODMAP_ERR_CDN_STORE_CONFLICT when another writer replaced the file between the read
 * and the write with other bytes: `text` was derived from a store that has moved on, so the
 * caller derives it again (updateStoreIndex repeats its pass) rather than retrying the same bytes.
 */
export async function writeIndexFile(store: CdnStore, key: string, text: string): Promise<void> {
  const current = await store.read(key);
  if (current !== null && current.body.toString() === text) return;
  if (await store.replaceIf(key, text, current?.etag ?? null)) return;
  // Another writer got there first. If it wrote these very bytes (twenty publishers reindexing a
  // fresh store all write the same format file), the file is as it should be: not a conflict.
  // Before this, the losers of that race failed their publish with "the index was not updated".
  if ((await store.read(key))?.body.toString() === text) return;
  throw new PodmapError('PODMAP_ERR_CDN_STORE_CONFLICT', key);
}

/** Whether `error` is a lost compare-and-swap, which a caller answers by deriving again. */
export function isStoreConflict(error: unknown): boolean {
  return error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_STORE_CONFLICT';
}
