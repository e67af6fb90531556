import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createConfigError, PodmapError } from '../shared/errors.ts';
import { createStaticFiles } from '../shared/http/create-static-files.ts';
import { sendError } from '../shared/http/send-error.ts';
import { listenOn } from '../shared/listen-on.ts';
import { createPageComposer } from './assets/create-page-composer.ts';
import { createPageServer } from './render/create-page-server.ts';
import type { PodletClient } from './podlets/create-podlet-client.ts';
import type { LayoutOptions } from './layout-options.ts';
import { OVERRIDES_COOKIE } from './overrides/parse-overrides-cookie.ts';
import { CLEAR_OVERRIDES_PATH } from './overrides/render-overrides-notice.ts';
import { createWorkerScript } from './service-worker/serve-worker-script.ts';
import { resolveServiceWorker } from './service-worker/worker-config.ts';
import { validateLayoutOptions } from './validate-layout-options.ts';

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
  const composer = createPageComposer(options);
  assertKnownPodlets(options.pages, composer.podlets);
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

/** Throws PODMAP_ERR_CONFIG_UNKNOWN_PODLET when a page uses a podlet that is not registered. */
function assertKnownPodlets(pages: LayoutOptions['pages'], podlets: ReadonlyMap<string, PodletClient>): void {
  for (const [path, page] of Object.entries(pages)) {
    for (const name of page.podlets) {
      if (!podlets.has(name)) throw createConfigError('PODMAP_ERR_CONFIG_UNKNOWN_PODLET', `page "${path}" uses podlet "${name}"`);
    }
  }
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
