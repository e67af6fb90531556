import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ImportMap } from '../import-map/index.ts';
import { createConfigError, PodmapError } from '../shared/errors.ts';
import { createStaticFiles } from '../shared/http/create-static-files.ts';
import { sendError } from '../shared/http/send-error.ts';
import { listenOn } from '../shared/listen-on.ts';
import type { CspOptions } from './content-security-policy.ts';
import type { CdnCacheSizes } from './create-cdn-client.ts';
import type { CircuitBreakerOptions } from './create-circuit-breaker.ts';
import { createPageComposer } from './create-page-composer.ts';
import { createPageServer, type LayoutPage } from './create-page-server.ts';
import type { PodletClient } from './create-podlet-client.ts';
import { OVERRIDES_COOKIE } from './overrides/parse-overrides-cookie.ts';
import { CLEAR_OVERRIDES_PATH } from './overrides/render-overrides-notice.ts';
import type { ShimLocation } from './page-assets.ts';
import type { HeadOptions } from './render-head.ts';
import type { RequestContext } from './podlet-context.ts';
import { createWorkerScript } from './service-worker/serve-worker-script.ts';
import { resolveServiceWorker, type ServiceWorkerOptions } from './service-worker/worker-config.ts';
import { validateLayoutOptions } from './validate-layout-options.ts';

export type { LayoutPage };

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
  /** Per-podlet time-out for manifests and content, in ms. Default 1000. */
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
   * localhost, 127.0.0.1, [::1]). Off by default; never turn it on in production without reading
   * that document. When on, every page also loads the small console API
   * (`/-/podmap/overrides.js`).
   */
  overrides?: boolean | { allowedHosts?: string[] };
  /** How long a page's import map and preloads are kept before they are rebuilt in the background, in ms. Default 60 000. */
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
   * (default 5) its fallback is served at once, with no request, while the podlet is probed in the
   * background every `probeIntervalMs` (default 500); the first probe that succeeds closes it.
   */
  circuitBreaker?: CircuitBreakerOptions;
  /** The least time between two manifest refetches of one podlet that new releases trigger, in ms. Default 1,000. */
  refetchIntervalMs?: number;
  /** How many pages' assets are kept, least recently used out first. Default 500. */
  maxPages?: number;
  /** Bounds of the CDN client's caches. Defaults: 2,000 version lists, 500 package maps, 500 metadata. */
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

/** A running layout's handle. */
export interface Layout {
  /** The request handler; mount it in any node:http server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Starts a server on `port` (0 for any free one) and resolves once it listens. */
  listen(port: number, host?: string): Promise<Server>;
  /** Fetches every manifest now (the layout also does it lazily on the first request). */
  refresh(): Promise<void>;
  /**
   * Stops the layout's background work (the circuit breakers' probes), so a test or a process
   * that is done can exit. Servers started with `listen()` are the caller's to close.
   */
  close(): void;
  readonly podlets: ReadonlyMap<string, PodletClient>;
}

/** The browser modules of the overrides API, served by the layout itself when overrides are on. */
const OVERRIDES_MODULES: Record<string, string> = {
  '/-/podmap/overrides.js': '@podmap/browser/overrides.js',
  '/-/podmap/overrides-panel.js': '@podmap/browser/overrides-panel.js',
};

/**
 * Creates a layout: pages composed from podlets on the server, with one import map generated
 * from the podlets' needs. Content is fetched from all podlets of a page in parallel; the head
 * (map, preloads, scripts) is sent first, then each fragment as soon as it and the ones above it
 * are ready. A podlet that times out, fails or answers non-2xx gets its cached fallback; the
 * page always answers 200. Wrong options throw a TypeError or RangeError with a
 * PODMAP_ERR_CONFIG_* code (docs/errors.md).
 */
export function createLayout(options: LayoutOptions): Layout {
  validateLayoutOptions(options);
  const composer = createPageComposer({ ...options, assetsTtlMs: options.assetsTtlMs ?? 60_000 });
  for (const [path, page] of Object.entries(options.pages)) {
    for (const name of page.podlets) {
      if (!composer.podlets.has(name)) throw createConfigError('PODMAP_ERR_CONFIG_UNKNOWN_PODLET', `page "${path}" uses podlet "${name}"`);
    }
  }
  const overrides = options.overrides ? { allowedHosts: options.overrides === true ? undefined : options.overrides.allowedHosts } : null;
  const worker = resolveServiceWorker(options.serviceWorker, Object.keys(options.pages));
  const servePage = createPageServer(composer, {
    name: options.name ?? 'podmap-layout',
    mode: options.mode,
    layoutCss: [...(options.layoutCss ?? [])],
    csp: options.csp ? (options.csp === true ? {} : options.csp) : null,
    overrides,
    mountOrigin: options.mountOrigin === undefined ? undefined : new URL(options.mountOrigin).origin,
    serviceWorker: worker,
    context: options.context,
  });
  const files = options.staticDir ? createStaticFiles(options.staticDir) : null;
  const serveWorker =
    worker && createWorkerScript(composer, options.pages, { layoutCss: options.layoutCss ?? [], mode: options.mode ?? 'native', worker });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (overrides && (path === CLEAR_OVERRIDES_PATH || Object.hasOwn(OVERRIDES_MODULES, path))) {
      return serveOverridesRoute(req, res, path, options.pages);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    const page = Object.hasOwn(options.pages, path) ? options.pages[path] : undefined;
    if (page) return servePage(req, res, path, page);
    if (serveWorker && path === worker.path) return serveWorker(req, res);
    if (files && path.startsWith('/static/')) return files(req, res, path.slice('/static/'.length), false);
    throw new PodmapError('PODMAP_ERR_NOT_FOUND');
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => sendError(res, error));
  };
  return {
    handle,
    podlets: composer.podlets,
    refresh: () => composer.refresh(),
    close: () => composer.close(),
    listen: (port, host = '127.0.0.1') => listenOn(createServer(handle), port, host),
  };
}

/** The overrides API's own routes: its browser modules, and the notice's "Clear" form. */
async function serveOverridesRoute(req: IncomingMessage, res: ServerResponse, path: string, pages: LayoutOptions['pages']): Promise<void> {
  if (path === CLEAR_OVERRIDES_PATH) {
    if (req.method !== 'POST') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    // Back to a page of this layout only: any other target would make this an open redirect.
    const back = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('back') ?? '/';
    const location = Object.hasOwn(pages, back) ? back : '/';
    res.writeHead(303, { location, 'set-cookie': `${OVERRIDES_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`, 'cache-control': 'no-store' });
    res.end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
  const file = fileURLToPath(import.meta.resolve(OVERRIDES_MODULES[path]!));
  res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : await readFile(file));
}
