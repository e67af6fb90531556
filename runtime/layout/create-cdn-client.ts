import type { ImportMap } from '../import-map/index.ts';
import { cdnApiUrl, cdnFileUrl } from '../shared/cdn-protocol/cdn-urls.ts';
import type { PackageKind, PackageVersions, VersionMetadata } from '../shared/cdn-protocol/types.ts';
import { PodmapError } from '../shared/errors.ts';
import { fetchText } from '../shared/http/fetch-text.ts';

/** The layout's view of the asset CDN; every call is cached (see createCdnClient). */
export interface CdnClient {
  /** The CDN's base URL, ending in "/". */
  readonly base: string;
  /** The package's versions, or null if the CDN does not have it. */
  versions(name: string, kind?: PackageKind): Promise<PackageVersions | null>;
  /** The package's import map with absolute URLs; throws PODMAP_ERR_CDN_UNREACHABLE if there is none. */
  packageMap(name: string, version: string, kind?: PackageKind): Promise<ImportMap>;
  /** Per-file metadata of one exact version, or null if the CDN does not have it. */
  metadata(name: string, version: string, kind?: PackageKind): Promise<VersionMetadata | null>;
  /** The absolute URL of a file of one version. */
  fileUrl(kind: PackageKind, name: string, version: string, file?: string): string;
}

/**
 * The layout's connection to the asset CDN (docs/cdn.md). Per-file metadata of an exact version
 * never changes, so it is kept for the life of the process; version lists and package maps are
 * kept for `versionsTtlMs` (default 60 s), because a publish changes them: a new minor reaches
 * every page within that time without a redeploy. Failed look-ups are not kept.
 */
export function createCdnClient(baseUrl: string, options: { timeoutMs?: number; versionsTtlMs?: number } = {}): CdnClient {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
  const timeoutMs = options.timeoutMs ?? 3000;
  const versionsTtlMs = options.versionsTtlMs ?? 60_000;
  const forever = new Map<string, { at: number; value: Promise<unknown> }>();
  const expiring = new Map<string, { at: number; value: Promise<unknown> }>();

  async function getJson(url: string): Promise<unknown> {
    const response = await fetchText(url, { timeoutMs, failCode: 'PODMAP_ERR_CDN_UNREACHABLE' });
    if (response.status === 404) return null;
    if (response.status !== 200) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} answered ${response.status}`);
    try {
      return JSON.parse(response.text);
    } catch {
      throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} did not answer JSON`);
    }
  }

  function cached<T>(cache: typeof forever, ttlMs: number, key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { at: Date.now(), value });
    value.catch(() => cache.get(key)?.value === value && cache.delete(key));
    return value;
  }

  return {
    base,
    versions(name, kind = 'npm') {
      const url = cdnApiUrl(base, 'versions', kind, name);
      return cached(expiring, versionsTtlMs, url, () => getJson(url) as Promise<PackageVersions | null>);
    },
    packageMap(name, version, kind = 'npm') {
      const url = cdnApiUrl(base, 'map', kind, name, version);
      return cached(expiring, versionsTtlMs, url, async () => {
        const map = (await getJson(url)) as ImportMap | null;
        if (!map) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `no import map for ${name}@${version}`);
        return absolutize(map, base);
      });
    },
    metadata(name, version, kind = 'npm') {
      const url = cdnApiUrl(base, 'metadata', kind, name, version);
      return cached(forever, Infinity, url, () => getJson(url) as Promise<VersionMetadata | null>);
    },
    fileUrl: (kind, name, version, file = '') => cdnFileUrl(base, kind, name, version, file),
  };
}

/** Resolves every URL in a map (keys of scopes and integrity too) against the CDN's base. */
function absolutize(map: ImportMap, base: string): ImportMap {
  const abs = (u: string) => new URL(u, base).href;
  const entries = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, abs(v)]));
  return {
    imports: entries(map.imports ?? {}),
    scopes: Object.fromEntries(Object.entries(map.scopes ?? {}).map(([s, r]) => [abs(s), entries(r)])),
    integrity: Object.fromEntries(Object.entries(map.integrity ?? {}).map(([u, h]) => [abs(u), h])),
  };
}
