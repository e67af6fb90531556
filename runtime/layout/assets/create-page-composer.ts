import type { ImportMap } from '../../import-map/index.ts';
import { PodmapError } from '../../shared/errors.ts';
import { buildPageAssets } from './build-page-assets.ts';
import { createRepeatLimiter, REFUSAL_LOG_INTERVAL_MS } from './create-repeat-limiter.ts';
import { createAssetsCache, DEFAULT_ASSETS_TTL_MS } from './create-assets-cache.ts';
import type { CircuitBreakerOptions } from '../podlets/create-circuit-breaker.ts';
import { createCdnClient, type CdnCacheSizes, type CdnClient } from './create-cdn-client.ts';
import { createPodletClients, type PodletClient } from '../podlets/create-podlet-client.ts';
import { DEFAULT_SHIM, fallbackAssets, type PageAssets, type ShimLocation } from './page-assets.ts';

export interface PageComposerOptions {
  cdnUrl: string;
  /** Podlet name → package names the layout grants it beyond its own (createLayout's `namespaces`). */
  namespaces?: Readonly<Record<string, readonly string[]>>;
  /** The global import map; relative URLs resolve against the CDN. */
  importMap: ImportMap;
  /** Podlet name → manifest URL: every podlet a page may use. */
  podlets: Record<string, string>;
  /** Per-podlet time-out for manifests and content, in ms; default DEFAULT_PODLET_TIMEOUT_MS. */
  timeoutMs?: number;
  /** How long a page's assets are served before they are rebuilt in the background, in ms; default DEFAULT_ASSETS_TTL_MS. */
  assetsTtlMs?: number;
  shim?: ShimLocation | false;
  /** Each podlet's circuit breaker; defaults: DEFAULT_CIRCUIT_BREAKER. */
  circuitBreaker?: CircuitBreakerOptions;
  /** The least time between two manifest refetches of one podlet that content versions trigger, in ms; default DEFAULT_REFETCH_INTERVAL_MS. */
  refetchIntervalMs?: number;
  /** Pages whose assets are kept, least recently used out first; default DEFAULT_MAX_PAGES. */
  maxPages?: number;
  /** The CDN client's cache bounds; defaults: DEFAULT_CDN_CACHE_SIZES. */
  cdnCacheSizes?: CdnCacheSizes;
  /**
   * createLayout's `overrides`: when on, each page's untrimmed map is kept beside its trimmed
   * one (PageAssets.fullMap), for the pages a developer overrides. Off, only the trimmed map is
   * kept: the untrimmed one can be a hundred times its size.
   */
  overrides?: boolean | { allowedHosts?: string[] };
}

/** The podlet clients, the CDN client and the cached assets of every page; see createPageComposer(). */
export interface PageComposer {
  readonly podlets: ReadonlyMap<string, PodletClient>;
  readonly cdn: CdnClient;
  /**
   * Fetches the manifests of podlets that have none yet. The first call waits for them (it is the
   * start of the layout); later calls start the fetches and return at once, so no page ever waits
   * for a podlet that is down: it is retried in the background.
   */
  ensureManifests(): Promise<void>;
  /**
   * The assets of a page of these podlets, built once and kept for `assetsTtlMs`. Stale assets
   * are served while new ones are built; if that build fails the old ones stay. When no assets
   * can be built, every podlet of the page gets its fallback and the error is logged, once: the
   * failure is kept for a back-off (DEFAULT_FAILURE_BACKOFF) before the page is built again.
   */
  assetsFor(podletNames: readonly string[]): Promise<PageAssets>;
  /** Fetches every manifest now and drops every page's assets. */
  refresh(): Promise<void>;
  /** Stops the podlet clients' background work (their circuit breakers' probes). */
  close(): void;
}

/**
 * The one composer behind createLayout() and createPodmapHead(): both hold the same podlet
 * clients, CDN client and per-page asset cache, so both compose the same map for the same page.
 * A podlet's new manifest version drops every page's assets (its modules may be on any page).
 */
export function createPageComposer(options: PageComposerOptions): PageComposer {
  const cdn = createCdnClient(options.cdnUrl, { cacheSizes: options.cdnCacheSizes });
  const cachedAssets = createAssetsCache(build, options.assetsTtlMs ?? DEFAULT_ASSETS_TTL_MS, options.maxPages);
  const podlets = createPodletClients(options.podlets, {
    timeoutMs: options.timeoutMs,
    circuitBreaker: options.circuitBreaker,
    refetchIntervalMs: options.refetchIntervalMs,
    // Called only when a podlet's manifest or podmap.json really changed, not on every refetch.
    onChange: () => cachedAssets.clear(),
  });
  const shim = options.shim === false ? undefined : (options.shim ?? DEFAULT_SHIM);
  const fallBack = createFailureFallback();
  // A page's refusals and problems are re-derived at every build: each distinct line once a minute.
  const warnRefusal = createRepeatLimiter(REFUSAL_LOG_INTERVAL_MS);

  function build(names: readonly string[]): Promise<PageAssets> {
    return buildPageAssets({
      globalMap: options.importMap,
      cdn,
      pagePodlets: names.map((n) => podlets.get(n)).filter((c): c is PodletClient => c !== undefined),
      allPodlets: [...podlets.values()],
      shim,
      namespaces: options.namespaces,
      warn: (line) => warnRefusal(line) && console.warn(line),
      keepFullMap: Boolean(options.overrides),
    });
  }

  return {
    podlets,
    cdn,
    ensureManifests: createManifestFetcher(podlets),
    async assetsFor(names) {
      try {
        return await cachedAssets(names);
      } catch (error) {
        return fallBack(names, error);
      }
    },
    async refresh() {
      await Promise.all([...podlets.values()].map((c) => c.refresh(true)));
      cachedAssets.clear();
    },
    close() {
      for (const client of podlets.values()) client.close();
    },
  };
}

/**
 * What assetsFor answers when a page's assets cannot be built: every podlet on its fallback, and
 * the error logged the first time it is seen. A failed build is answered from the cache during
 * its back-off, so the same error comes back for every page until then: logged once, not per page.
 */
function createFailureFallback(): (names: readonly string[], error: unknown) => PageAssets {
  const logged = new WeakSet<object>();
  return (names, error) => {
    const podmapError = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_INTERNAL', String(error));
    if (!logged.has(podmapError)) console.error(`podmap: page of ${names.join(', ')}: ${podmapError.code}: ${podmapError.message}`);
    logged.add(podmapError);
    return fallbackAssets(names, podmapError);
  };
}

/**
 * PageComposer.ensureManifests for these clients: the first call fetches every manifest and
 * every call made while that runs waits for it too (before, only the first one did, and a burst
 * of first requests served every podlet's empty fallback); later calls start fetches for the
 * podlets still without a manifest and return at once.
 */
function createManifestFetcher(podlets: ReadonlyMap<string, PodletClient>): () => Promise<void> {
  let firstFetch: Promise<void> | null = null;
  let firstDone = false;
  return async () => {
    if (!firstFetch) {
      firstFetch = Promise.all([...podlets.values()].map((c) => c.refresh())).then(() => {
        firstDone = true;
      });
    }
    if (!firstDone) return firstFetch;
    for (const client of podlets.values()) if (!client.state) void client.refresh();
  };
}
