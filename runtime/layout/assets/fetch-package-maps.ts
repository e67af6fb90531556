import type { ImportMap, VersionPlan } from '../../import-map/index.ts';
import { CdnRefusal, type CdnClient } from './create-cdn-client.ts';

/** One chosen version whose package map the CDN refused. */
export interface RefusedVersion {
  pkg: string;
  version: string;
  refusal: CdnRefusal;
}

/**
 * "name@version" → the CDN's import map of that package, for every version the plan chose, and
 * the versions whose map the CDN refused with a 4xx (PODMAP_ERR_CDN_DEPENDENCY_MISSING: a
 * dependency of that version is not in its store). A network failure or 5xx rejects.
 */
export async function fetchPackageMaps(
  cdn: CdnClient,
  plan: VersionPlan,
): Promise<{ maps: Record<string, ImportMap>; refused: RefusedVersion[] }> {
  const chosen = new Map<string, { pkg: string; version: string }>();
  const add = (versions: Record<string, string>) => {
    for (const [pkg, version] of Object.entries(versions)) chosen.set(`${pkg}@${version}`, { pkg, version });
  };
  add(plan.topLevel);
  Object.values(plan.assigned).forEach(add);
  const maps: Record<string, ImportMap> = {};
  const refused: RefusedVersion[] = [];
  await Promise.all(
    [...chosen].map(async ([key, { pkg, version }]) => {
      try {
        maps[key] = await cdn.packageMap(pkg, version);
      } catch (error) {
        if (!(error instanceof CdnRefusal)) throw error;
        refused.push({ pkg, version, refusal: error });
      }
    }),
  );
  refused.sort((a, b) => (`${a.pkg}@${a.version}` < `${b.pkg}@${b.version}` ? -1 : 1));
  return { maps, refused };
}
