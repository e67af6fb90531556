import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import type { CdnStore } from './cdn-store.ts';
import { computePackageMap } from './read-package-map.ts';
import { storeIndexKey } from './store-paths.ts';
import { writeIndexFile } from './write-index-file.ts';

/**
 * Stores the map answer of a version in the index: the map under `maps/`, or the error under
 * `map-errors/`, and removes the other one. The new file is in place before the old one goes,
 * so a reader always finds one of them. Called for every version whose map a publish can change.
 * read-package-map.ts reads what it writes.
 */
export async function writePackageMap(store: CdnStore, metadata: VersionMetadata): Promise<void> {
  const { kind, name, version } = metadata;
  const answer = await computePackageMap(store, metadata);
  const map = storeIndexKey('map', kind, name, version);
  const error = storeIndexKey('map-error', kind, name, version);
  await writeIndexFile(store, answer.status === 200 ? map : error, answer.body);
  await store.remove(answer.status === 200 ? error : map);
}
