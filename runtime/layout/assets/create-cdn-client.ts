import type { ImportMap } from '../../import-map/index.ts';
import { cdnApiUrl, cdnFileUrl } from '../../shared/cdn-protocol/cdn-urls.ts';
import type { PackageKind, PackageVersions, VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { SHAKEN_BUILDS_PATH, type ShakenAnswer, type ShakenRequest } from '../../shared/cdn-protocol/shaken-builds.ts';
import { createLruCache, type LruCache } from '../../shared/create-lru-cache.ts';
import { PodmapError } from '../../shared/errors.ts';
import { fetchText } from '../../shared/http/fetch-text.ts';
import { createTimeSlicer } from './create-time-slicer.ts';

/** The layout's view of the asset CDN; every call is cached (see createCdnClient). */
export interface CdnClient {
  /** The CDN's base URL, ending in "/". */
  readonly base: string;
  /** The package's versions, or null if the CDN does not have it (404). */
  versions(name: string, kind?: PackageKind): Promise<PackageVersions | null>;
  /** The package's import map with absolute URLs; a 4xx answer (404 too) throws a CdnRefusal. */
  packageMap(name: string, version: string, kind?: PackageKind): Promise<ImportMap>;
  /** Per-file metadata of one exact version, or null if the CDN does not have it (404). */
  metadata(name: string, version: string, kind?: PackageKind): Promise<VersionMetadata | null>;
  /** The absolute URL of a file of one version. */
  fileUrl(kind: PackageKind, name: string, version: string, file?: string): string;
  /**
   * The CDN's answer to a shaken-builds request (docs/shaken-builds.md), kept `versionsTtlMs` when
   * no build is pending, not at all when one is; null when the CDN has no such endpoint (404,
   * 405). Other failures reject.
   */
  shaken(request: ShakenRequest): Promise<ShakenAnswer | null>;
}

/**
 * The CDN answered a request for one package with a 4xx status (other than the 404s that mean
 * "no such package or version"): a name it refuses, a dependency missing from its store. It is
 * about that package only, so the layout puts the podlets that need it on their fallbacks and
 * composes the rest of the page; a network failure or 5xx is PODMAP_ERR_CDN_UNREACHABLE instead,
 * for the whole page. `cdnCode` is the CDN's own code from its JSON error body.
 */
export class CdnRefusal extends PodmapError {
  readonly cdnCode: string;
  readonly cdnMessage: string;
  readonly httpStatus: number;
  readonly url: string;

  constructor(url: string, httpStatus: number, body: string) {
    const { code, message } = readErrorBody(body);
    super(
      'PODMAP_ERR_CDN_REFUSED',
      `CDN said ${code ?? `HTTP ${httpStatus}`}${message ? `: ${message}` : ''}; GET ${url} answered ${httpStatus}`,
    );
    this.cdnCode = code ?? `HTTP ${httpStatus}`;
    this.cdnMessage = message ?? '';
    this.httpStatus = httpStatus;
    this.url = url;
  }

  /** The error of a podlet that needed what was refused (`what`: "pkg@range" or "pkg@version"), with the CDN's own code. */
  about(what: string): PodmapError {
    const said = `CDN said ${this.cdnCode}${this.cdnMessage ? `: ${this.cdnMessage}` : ''}`;
    return new PodmapError('PODMAP_ERR_CDN_REFUSED', `${said}; needed: ${what}; GET ${this.url} answered ${this.httpStatus}`);
  }
}

/** The code and message of a CDN error body, `{"error":{"code","message"}}`; nothing if it is not one. */
function readErrorBody(body: string): { code?: string; message?: string } {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : undefined);
    return { code: text(error?.code), message: text(error?.message) };
  } catch {
    return {};
  }
}

/** The CDN client's cache bounds, in entries; see docs/resilience.md for what they cost in memory. */
export interface CdnCacheSizes {
  /** Version lists (a few hundred bytes to a few KB each); default: DEFAULT_CDN_CACHE_SIZES. */
  versions?: number;
  /** Package maps (2–70 KB of JSON each for lit's packages); default: DEFAULT_CDN_CACHE_SIZES. */
  packageMaps?: number;
  /** Per-file metadata of exact versions (3–95 KB of JSON each for lit's packages); default: DEFAULT_CDN_CACHE_SIZES. */
  metadata?: number;
}

/** The default bounds: far above the packages of any one layout's pages, so a bound is only ever reached by abuse or churn. */
export const DEFAULT_CDN_CACHE_SIZES: Required<CdnCacheSizes> = { versions: 2000, packageMaps: 500, metadata: 500 };

/** How long the layout waits for an answer from the CDN unless told otherwise, in ms. */
export const DEFAULT_CDN_TIMEOUT_MS = 3000;

/**
 * How long version lists and package maps are kept unless told otherwise, in ms: a publish
 * changes them, and a new minor reaches every page within this time without a redeploy.
 */
export const DEFAULT_VERSIONS_TTL_MS = 60_000;

type Cache = LruCache<string, { at: number; value: Promise<unknown> }>;

/**
 * The layout's connection to the asset CDN (docs/cdn.md). Per-file metadata of an exact version
 * never changes, so it is kept until evicted; version lists and package maps are kept for
 * `versionsTtlMs` (default DEFAULT_VERSIONS_TTL_MS), because a publish changes them. Requests
 * wait `timeoutMs` (default DEFAULT_CDN_TIMEOUT_MS). Each cache is an LRU bounded by `cacheSizes`, so package
 * names a layout sees once (or an attacker makes up) cannot grow it for ever. Failed look-ups
 * are not kept here: the page build that made them is (createAssetsCache's back-off). A 4xx answer throws a CdnRefusal (except a 404 for a version list or metadata,
 * which is null); a network failure, a time-out, a 5xx or a body that is not JSON throws
 * PODMAP_ERR_CDN_UNREACHABLE.
 */
export function createCdnClient(
  baseUrl: string,
  options: { timeoutMs?: number; versionsTtlMs?: number; cacheSizes?: CdnCacheSizes } = {},
): CdnClient {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CDN_TIMEOUT_MS;
  const versionsTtlMs = options.versionsTtlMs ?? DEFAULT_VERSIONS_TTL_MS;
  const sizes = { ...DEFAULT_CDN_CACHE_SIZES, ...options.cacheSizes };
  const versionLists: Cache = createLruCache(sizes.versions);
  const packageMaps: Cache = createLruCache(sizes.packageMaps);
  const metadataCache: Cache = createLruCache(sizes.metadata);
  // A layout sends one request per set of podlet releases: a few are plenty.
  const shakenAnswers: ShakenCache = createLruCache(8);

  const getJson = (url: string, notFound: 'null' | 'refuse') => fetchCdnJson(url, timeoutMs, notFound);

  return {
    base,
    versions(name, kind = 'npm') {
      const url = cdnApiUrl(base, 'versions', kind, name);
      return cachedFor(versionLists, versionsTtlMs, url, () => getJson(url, 'null') as Promise<PackageVersions | null>);
    },
    packageMap(name, version, kind = 'npm') {
      const url = cdnApiUrl(base, 'map', kind, name, version);
      return cachedFor(packageMaps, versionsTtlMs, url, async () => absolutize((await getJson(url, 'refuse')) as ImportMap, base));
    },
    metadata(name, version, kind = 'npm') {
      const url = cdnApiUrl(base, 'metadata', kind, name, version);
      return cachedFor(metadataCache, Infinity, url, () => getJson(url, 'null') as Promise<VersionMetadata | null>);
    },
    fileUrl: (kind, name, version, file = '') => cdnFileUrl(base, kind, name, version, file),
    shaken: (request) =>
      cachedShaken(shakenAnswers, JSON.stringify(request), versionsTtlMs, () =>
        postShaken(new URL(SHAKEN_BUILDS_PATH, base).href, JSON.stringify(request), timeoutMs),
      ),
  };
}

type ShakenCache = LruCache<string, { at: number; settled: boolean; value: Promise<ShakenAnswer | null> }>;

/**
 * The answer to the request `body`: one request at a time per body, and the answer kept for
 * `readyTtlMs` when no build is pending; an answer with a pending build is not kept, so the next
 * page build (SHAKEN_PENDING_REBUILD_MS later at the earliest) asks again.
 */
function cachedShaken(
  cache: ShakenCache,
  body: string,
  readyTtlMs: number,
  post: () => Promise<ShakenAnswer | null>,
): Promise<ShakenAnswer | null> {
  const hit = cache.get(body);
  if (hit && (hit.settled === false || Date.now() - hit.at < readyTtlMs)) return hit.value;
  const entry = { at: Date.now(), settled: false, value: post() };
  cache.set(body, entry);
  entry.value.then(
    (answer) => {
      entry.settled = true;
      if (Object.values(answer?.builds ?? {}).some((b) => b.status === 'pending') && cache.get(body) === entry) cache.delete(body);
    },
    () => cache.get(body) === entry && cache.delete(body),
  );
  return entry.value;
}

/** POSTs a shaken-builds request: the answer, null for a CDN without the endpoint, or a coded rejection. */
async function postShaken(url: string, body: string, timeoutMs: number): Promise<ShakenAnswer | null> {
  const response = await fetchText(url, { timeoutMs, failCode: 'PODMAP_ERR_CDN_UNREACHABLE', jsonBody: body });
  if (response.status === 404 || response.status === 405) return null;
  if (response.status >= 400 && response.status < 500) throw new CdnRefusal(url, response.status, response.text);
  if (response.status !== 200) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} answered ${response.status}`);
  try {
    const answer = JSON.parse(response.text) as ShakenAnswer;
    if (typeof answer?.builds !== 'object' || answer.builds === null) throw new TypeError('no builds');
    return answer;
  } catch {
    throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} did not answer a shaken-builds answer`);
  }
}

/**
 * GETs a CDN JSON endpoint: the parsed body of a 200; null for a 404 when `notFound` is "null";
 * a CdnRefusal for any other 4xx; PODMAP_ERR_CDN_UNREACHABLE for a network failure, a time-out,
 * another status or a body that is not JSON.
 */
async function fetchCdnJson(url: string, timeoutMs: number, notFound: 'null' | 'refuse'): Promise<unknown> {
  const response = await fetchText(url, { timeoutMs, failCode: 'PODMAP_ERR_CDN_UNREACHABLE' });
  if (response.status === 404 && notFound === 'null') return null;
  if (response.status >= 400 && response.status < 500) throw new CdnRefusal(url, response.status, response.text);
  if (response.status !== 200) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} answered ${response.status}`);
  try {
    return JSON.parse(response.text);
  } catch {
    throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} did not answer JSON`);
  }
}

/** `load()`'s promise for `key`, from `cache` while younger than `ttlMs`; a rejected one leaves the cache at once. */
function cachedFor<T>(cache: Cache, ttlMs: number, key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.get(key)?.value === value && cache.delete(key));
  return value;
}

/**
 * Resolves every URL in a map (keys of scopes and integrity too) against the CDN's base. A
 * package map can hold thousands of URLs, so this pauses for the event loop every few ms.
 */
async function absolutize(map: ImportMap, base: string): Promise<ImportMap> {
  const slice = createTimeSlicer();
  const abs = (u: string) => new URL(u, base).href;
  const entries = async (record: Record<string, unknown> | undefined, absKeys: boolean) => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record ?? {})) {
      // Not a URL string (a malformed answer): left out, as a browser's parser would drop it.
      if (typeof value !== 'string') continue;
      Object.defineProperty(out, absKeys ? abs(key) : key, {
        value: absKeys ? value : abs(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      await slice();
    }
    return out;
  };
  const scopes: Record<string, Record<string, string>> = {};
  for (const [scope, record] of Object.entries(map?.scopes ?? {})) scopes[abs(scope)] = await entries(record, false);
  return { imports: await entries(map?.imports, false), scopes, integrity: await entries(map?.integrity, true) };
}
