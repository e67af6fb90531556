import type { PackageKind, VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { createLruCache } from '../../shared/create-lru-cache.ts';
import type { CdnStore } from './cdn-store.ts';
import { metadataKey } from './store-paths.ts';

// Published versions never change, so their metadata can be kept; bounded, since a store can
// hold far more versions than a server ever needs at once.
const cache = createLruCache<string, VersionMetadata>(20_000);

/** The stored metadata of a version, or null when the store does not hold it (complete). */
export async function readVersionMetadata(
  store: CdnStore,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<VersionMetadata | null> {
  const key = metadataKey(kind, name, version);
  const cacheKey = `${store.location}\u0000${key}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const stored = await store.read(key);
  if (!stored) return null;
  const metadata = JSON.parse(stored.body.toString()) as VersionMetadata;
  cache.set(cacheKey, metadata);
  return metadata;
}
