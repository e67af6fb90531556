import type { ImportMap } from '../import-map/index.ts';
import { PodmapError } from './errors.ts';
import { fetchText } from './fetch-with-timeout.ts';

/** `/-/npm/<name>`: a package's versions and the newest of each compatibility line. */
export interface PackageVersions {
  name: string;
  versions: string[];
  majors: Record<string, string>;
}

/** `/-/npm/<name>@<version>`: per-file metadata; the layout uses `imports` to walk module graphs. */
export interface PackageMetadata {
  name: string;
  version: string;
  files: Record<string, { integrity?: string; imports?: string[] }>;
}

/**
 * The layout's view of the asset CDN (docs/cdn.md). Per-file metadata of an exact version never
 * changes, so it is kept for the life of the process; version lists and package maps are kept
 * for `versionsTtlMs`, so that a newly published minor reaches every page within that time
 * without a redeploy.
 */
export function createCdnClient(baseUrl: string, options: { timeoutMs?: number; versionsTtlMs?: number } = {}) {
  const base = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 3000;
  const versionsTtlMs = options.versionsTtlMs ?? 60_000;
  const immutable = new Map<string, Promise<unknown>>();
  const versions = new Map<string, { at: number; value: Promise<PackageVersions | null> }>();
  const maps = new Map<string, { at: number; value: Promise<ImportMap> }>();

  async function getJson(path: string): Promise<unknown> {
    const url = new URL(path, base).href;
    const response = await fetchText(url, { timeoutMs, failCode: 'PODMAP_ERR_CDN_UNREACHABLE' });
    if (response.status === 404) return null;
    if (response.status !== 200) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} answered ${response.status}`);
    try {
      return JSON.parse(response.text);
    } catch {
      throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} did not answer JSON`);
    }
  }

  function once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = immutable.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      immutable.set(key, hit);
      hit.catch(() => immutable.delete(key)); // failures are retried, successes kept
    }
    return hit;
  }

  return {
    base: base.href,
    /** The package's versions, or null if the CDN does not have it. */
    versions(name: string, kind = 'npm'): Promise<PackageVersions | null> {
      const key = `${kind}/${name}`;
      const hit = versions.get(key);
      if (hit && Date.now() - hit.at < versionsTtlMs) return hit.value;
      const value = getJson(`/-/${key}`) as Promise<PackageVersions | null>;
      versions.set(key, { at: Date.now(), value });
      value.catch(() => versions.delete(key));
      return value;
    },
    /**
     * The package's import map with absolute URLs (docs/cdn.md). Kept as long as version lists:
     * its dependencies resolve to the newest versions in the store, which a publish can change.
     */
    packageMap(name: string, version: string, kind = 'npm'): Promise<ImportMap> {
      const key = `${kind}/${name}@${version}`;
      const hit = maps.get(key);
      if (hit && Date.now() - hit.at < versionsTtlMs) return hit.value;
      const value = getJson(`/-/map/${key}`).then((map) => {
        if (!map) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `no import map for ${name}@${version}`);
        return absolutize(map as ImportMap, base);
      });
      maps.set(key, { at: Date.now(), value });
      value.catch(() => maps.delete(key));
      return value;
    },
    /** Per-file metadata of one package version. */
    metadata(name: string, version: string, kind = 'npm'): Promise<PackageMetadata | null> {
      return once(`meta:${kind}/${name}@${version}`, () => getJson(`/-/${kind}/${name}@${version}`) as Promise<PackageMetadata | null>);
    },
  };
}

export type CdnClient = ReturnType<typeof createCdnClient>;

/** Resolves every URL in a map (keys of scopes and integrity too) against the CDN's origin. */
function absolutize(map: ImportMap, base: URL): ImportMap {
  const abs = (u: string) => new URL(u, base).href;
  const entries = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, abs(v)]));
  return {
    imports: entries(map.imports ?? {}),
    scopes: Object.fromEntries(Object.entries(map.scopes ?? {}).map(([s, r]) => [abs(s), entries(r)])),
    integrity: Object.fromEntries(Object.entries(map.integrity ?? {}).map(([u, h]) => [abs(u), h])),
  };
}
