import { rm } from 'node:fs/promises';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { computePackageMap } from './read-package-map.ts';
import { storeIndexPath } from './store-paths.ts';
import { writeAtomically } from './write-atomically.ts';

/**
 * Stores the map answer of a version in the index: the map under `maps/`, or the error under
 * `map-errors/`, and removes the other one. The new file is in place before the old one goes,
 * so a reader always finds one of them. Called for every version whose map a publish can change.
 * read-package-map.ts reads what it writes.
 */
export async function writePackageMap(storeDir: string, metadata: VersionMetadata): Promise<void> {
  const { kind, name, version } = metadata;
  const answer = await computePackageMap(storeDir, metadata);
  const map = storeIndexPath(storeDir, 'map', kind, name, version);
  const error = storeIndexPath(storeDir, 'map-error', kind, name, version);
  await writeAtomically(storeDir, answer.status === 200 ? map : error, answer.body);
  await rm(answer.status === 200 ? error : map, { force: true });
}
