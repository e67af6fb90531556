import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { errorCatalogue, PodmapError } from '../../shared/errors.ts';
import { loadPackageMap } from './load-package-map.ts';
import type { CdnStore } from './cdn-store.ts';
import { storeIndexKey } from './store-paths.ts';

/** The answer of `GET /-/map/<kind>/<name>@<exact>`: 200 and the map, or 409 and the error JSON. */
export interface MapAnswer {
  status: number;
  body: string;
}

const dependencyMissing = 'PODMAP_ERR_CDN_DEPENDENCY_MISSING';
/** Errors that come from what the store holds, not from a failure: they are the map's answer. */
const mapErrors = new Set<string>([dependencyMissing, 'PODMAP_ERR_CDN_BAD_NAME']);

/**
 * The map answer of a stored version: the store index's (its map, or its error), the one nginx
 * serves, or, when the index holds none for the version yet, computed from the store now.
 */
export async function readPackageMap(store: CdnStore, metadata: VersionMetadata): Promise<MapAnswer> {
  return (await readIndexedMap(store, metadata)) ?? (await computePackageMap(store, metadata));
}

/**
 * The map answer of a version computed from the store now (loadPackageMap). A dependency
 * without a satisfying version is an answer too (409 PODMAP_ERR_CDN_DEPENDENCY_MISSING, the
 * error JSON as body), since publishing that dependency later turns it into a map; so is a
 * dependency name the store cannot hold (409 PODMAP_ERR_CDN_BAD_NAME: a stored map error is a
 * 409 wherever it is served, nginx too). Any other failure throws. writePackageMap stores what
 * it computes.
 */
export async function computePackageMap(store: CdnStore, metadata: VersionMetadata): Promise<MapAnswer> {
  try {
    return { status: 200, body: JSON.stringify(await loadPackageMap(store, metadata)) };
  } catch (error) {
    if (!(error instanceof PodmapError) || !mapErrors.has(error.code)) throw error;
    return { status: errorCatalogue[dependencyMissing].status, body: JSON.stringify(error.toJSON()) };
  }
}

async function readIndexedMap(store: CdnStore, { kind, name, version }: VersionMetadata): Promise<MapAnswer | null> {
  const map = await store.read(storeIndexKey('map', kind, name, version));
  if (map !== null) return { status: 200, body: map.body.toString() };
  const error = await store.read(storeIndexKey('map-error', kind, name, version));
  return error === null ? null : { status: errorCatalogue[dependencyMissing].status, body: error.body.toString() };
}
