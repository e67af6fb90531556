import { readFile, rm } from 'node:fs/promises';
import type { PackageKind, VersionMetadata } from '../shared/cdn-protocol/types.ts';
import { errorCatalogue, PodmapError } from '../shared/errors.ts';
import { loadPackageMap } from './load-package-map.ts';
import { storeIndexPath } from './store-paths.ts';
import { writeAtomically } from './write-atomically.ts';

/** The answer of `GET /-/map/<kind>/<name>@<exact>`: 200 and the map, or 409 and the error JSON. */
export interface MapAnswer {
  status: number;
  body: string;
}

const dependencyMissing = 'PODMAP_ERR_CDN_DEPENDENCY_MISSING';

/**
 * The map answer of a version computed from the store now (loadPackageMap). A dependency
 * without a satisfying version is an answer too (409 PODMAP_ERR_CDN_DEPENDENCY_MISSING, the
 * error JSON as body), since publishing that dependency later turns it into a map; any other
 * failure throws.
 */
export async function computePackageMap(storeDir: string, metadata: VersionMetadata): Promise<MapAnswer> {
  try {
    return { status: 200, body: JSON.stringify(await loadPackageMap(storeDir, metadata)) };
  } catch (error) {
    if (!(error instanceof PodmapError) || error.code !== dependencyMissing) throw error;
    return { status: error.status, body: JSON.stringify(error.toJSON()) };
  }
}

/**
 * Stores the map answer of a version in the index: the map under `maps/`, or the error under
 * `map-errors/`, and removes the other one. The new file is in place before the old one goes,
 * so a reader always finds one of them. Called for every version whose map a publish can change.
 */
export async function writePackageMap(storeDir: string, metadata: VersionMetadata): Promise<void> {
  const { kind, name, version } = metadata;
  const answer = await computePackageMap(storeDir, metadata);
  const map = storeIndexPath(storeDir, 'map', kind, name, version);
  const error = storeIndexPath(storeDir, 'map-error', kind, name, version);
  await writeAtomically(storeDir, answer.status === 200 ? map : error, answer.body);
  await rm(answer.status === 200 ? error : map, { force: true });
}

/** The map answer the index holds for a version, or null when it holds none (not indexed yet). */
export async function readStoredMap(storeDir: string, kind: PackageKind, name: string, version: string): Promise<MapAnswer | null> {
  const map = await readFile(storeIndexPath(storeDir, 'map', kind, name, version), 'utf8').catch(() => null);
  if (map !== null) return { status: 200, body: map };
  const error = await readFile(storeIndexPath(storeDir, 'map-error', kind, name, version), 'utf8').catch(() => null);
  return error === null ? null : { status: errorCatalogue[dependencyMissing].status, body: error };
}
