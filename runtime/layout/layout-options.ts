import type { IncomingMessage } from 'node:http';
import type { ImportMap } from '../import-map/index.ts';
import type { CspOptions } from './render/content-security-policy.ts';
import type { CdnCacheSizes } from './assets/create-cdn-client.ts';
import type { CircuitBreakerOptions } from './podlets/create-circuit-breaker.ts';
import type { LayoutPage } from './assets/layout-page.ts';
import type { ShimLocation } from './assets/page-assets.ts';
import type { RequestContext } from './podlets/podlet-context.ts';
import type { HeadOptions } from './render/render-head.ts';
import type { ServiceWorkerOptions } from './service-worker/worker-config.ts';

/** What createLayout() takes; validateLayoutOptions() checks it at start-up. */
export interface LayoutOptions {
  /** The layout's name, sent to podlets as `podium-requested-by`. Default "podmap-layout". */
  name?: string;
  /** The asset CDN's base URL (http or https). */
  cdnUrl: string;
  /** The global import map; relative URLs resolve against the CDN (import-map.json). */
  importMap: ImportMap;
  /** Podlet name → manifest URL. */
  podlets: Record<string, string>;
  /** URL path → page. */
  pages: Record<string, LayoutPage>;
  /** Per-podlet time-out for manifests and content, in ms. Default: DEFAULT_PODLET_TIMEOUT_MS. */
  timeoutMs?: number;
  /** 'native' (default) or 'shim' (es-module-shims shim mode everywhere). */
  mode?: HeadOptions['mode'];
  /** A folder served at /static/ (the layout's own CSS). */
  staticDir?: string;
  /** Stylesheets of the layout itself, linked from every page. */
  layoutCss?: string[];
  /** How es-module-shims is found on the CDN. Default: es-module-shims, line 2. `false`: never load it. */
  shim?: ShimLocation | false;
  /**
   * Send a strict `Content-Security-Policy` with a fresh nonce on every inline and external
   * script of the page (content-security-policy.ts). Off by default: a podlet whose fragment
   * holds inline scripts or event-handler attributes stops working under it.
   */
  csp?: boolean | CspOptions;
  /**
   * Import-map overrides for development (docs/overrides.md): a `podmap-overrides` cookie may
   * point a bare specifier or a whole podlet at a URL on one of `allowedHosts` (default
   * DEFAULT_ALLOWED_HOSTS: this machine only). Off by default; never turn it on in production without reading
   * that document. When on, every page also loads the small console API
   * (`/-/podmap/overrides.js`).
   */
  overrides?: boolean | { allowedHosts?: string[] };
  /** How long a page's import map and preloads are kept before they are rebuilt in the background, in ms. Default: DEFAULT_ASSETS_TTL_MS. */
  assetsTtlMs?: number;
  /**
   * The site's origin, sent to podlets as `podium-mount-origin` ("https://www.example.com").
   * Default: the request's Host header when it is a plain host and port, else http://localhost;
   * set it in production, where the Host a podlet sees should not depend on the client.
   */
  mountOrigin?: string;
  /**
   * Podlet name → package names it may expose modules under, besides its own package name:
   * `{ auth: ['@podlets/auth', '@shared/session'] }` (docs/import-maps.md, rule 5). A podlet adds
   * import-map entries only inside its namespaces. Without a grant, a podlet registered as `auth`
   * owns every package whose unscoped name is `auth` (`@podlets/auth`), and another podlet's claim
   * on it is refused to that podlet alone (PODMAP_ERR_NAMESPACE_OWNED); a grant wins over that
   * convention. A name nobody owns so and claimed by two registered podlets is refused to both; a
   * grant settles it for the podlet named here. Neither a podlet nor a grant can take a package on
   * the CDN or in `importMap`: that is refused and logged as PODMAP_ERR_NAMESPACE_DENIED. Each
   * name may be granted to one podlet only.
   */
  namespaces?: Record<string, string[]>;
  /**
   * Each podlet's circuit breaker (docs/resilience.md): after `failureThreshold` failures in a row
   * its fallback is served at once, with no request, while the podlet is probed in the background
   * every `probeIntervalMs`; the first probe that succeeds closes it. Defaults: DEFAULT_CIRCUIT_BREAKER.
   */
  circuitBreaker?: CircuitBreakerOptions;
  /** The least time between two manifest refetches of one podlet that new releases trigger, in ms. Default: DEFAULT_REFETCH_INTERVAL_MS. */
  refetchIntervalMs?: number;
  /** How many pages' assets are kept, least recently used out first. Default: DEFAULT_MAX_PAGES. */
  maxPages?: number;
  /** Bounds of the CDN client's caches. Defaults: DEFAULT_CDN_CACHE_SIZES. */
  cdnCacheSizes?: CdnCacheSizes;
  /**
   * A generated service worker (docs/service-worker.md) that precaches every page's modules and
   * stylesheets, keeps copies of visited pages for offline use, and updates itself when a podlet
   * releases. `true` for the defaults; `{ unregister: true }` is the kill switch. Off by default.
   */
  serviceWorker?: boolean | ServiceWorkerOptions;
  /**
   * What the layout knows about a request, forwarded to every podlet with Podium's context
   * headers (docs/sharing.md): `locale` (default: Accept-Language's first tag, else "en-US") and
   * the signed-in `user`, sent as `podmap-user` JSON. Called once per page request.
   */
  context?: (req: IncomingMessage) => RequestContext | null | undefined | Promise<RequestContext | null | undefined>;
}
