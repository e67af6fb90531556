import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { constants as zlib, createBrotliCompress, createGzip } from 'node:zlib';
import { applyOverrides } from './apply-overrides.ts';
import type { ImportMap } from '../import-map/index.ts';
import { buildPageAssets, DEFAULT_SHIM, type PageAssets } from './build-page-assets.ts';
import { createCdnClient } from './cdn-client.ts';
import { buildContentSecurityPolicy, createNonce, scriptOriginsOf, type CspOptions } from './content-security-policy.ts';
import { renderHead, renderPodletSection, type HeadOptions } from './document.ts';
import { PodmapError } from './errors.ts';
import { attributes } from './html.ts';
import { OVERRIDES_COOKIE, parseOverridesCookie, type ImportMapOverrides } from './parse-overrides-cookie.ts';
import { CLEAR_OVERRIDES_PATH, renderOverridesNotice } from './render-overrides-notice.ts';
import { createPodletClients, type PodletClient } from './podlet-client.ts';
import { sendError } from './respond.ts';
import { listenOn } from './run-main.ts';
import { createStaticFiles } from './static-files.ts';

export interface LayoutPage {
  title: string;
  /** Podlet names, in the order their fragments appear in the body. */
  podlets: string[];
}

export interface LayoutOptions {
  /** The layout's name, sent to podlets as `podium-requested-by`. */
  name?: string;
  /** The asset CDN's base URL. */
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
  /** A folder served at /static/ (the layout's own CSS); its files are linked from every page. */
  staticDir?: string;
  layoutCss?: string[];
  /** How es-module-shims is found on the CDN. Default: es-module-shims, line 2. */
  shim?: { pkg: string; line: string; file: string } | false;
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
}

/** The browser modules of the overrides API, served by the layout itself when overrides are on. */
const OVERRIDES_MODULES: Record<string, string> = {
  '/-/podmap/overrides.js': '@podmap/browser/overrides.js',
  '/-/podmap/overrides-panel.js': '@podmap/browser/overrides-panel.js',
};

export interface Layout {
  handle(req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Promise<Server>;
  /** Fetches every manifest now (the layout also does it lazily on the first request). */
  refresh(): Promise<void>;
  readonly podlets: ReadonlyMap<string, PodletClient>;
}

/**
 * Creates a layout: pages composed from podlets on the server, with one import map generated
 * from the podlets' needs. Content is fetched from all podlets of a page in parallel; the head
 * (map, preloads, scripts) is sent first, then each fragment as soon as it and the ones above it
 * are ready. A podlet that times out, fails or answers non-2xx gets its cached fallback; the
 * page always answers 200.
 */
export function createLayout(options: LayoutOptions): Layout {
  const cdn = createCdnClient(options.cdnUrl);
  // Page assets depend on cached manifests and on the CDN's version lists. They are rebuilt when
  // a manifest changes, and in the background once they are older than `assetsTtlMs`, so a new
  // minor on the CDN reaches every page without a restart while no request waits for it.
  const assetsTtlMs = options.assetsTtlMs ?? 60_000;
  const assetsCache = new Map<string, { at: number; value: Promise<PageAssets> }>();
  const invalidate = () => assetsCache.clear();
  // The rendered head of each page's assets, split where the per-response nonce goes.
  const headCache = new WeakMap<PageAssets, { head: string[]; csp: string[] | null }>();
  let firstRequest = true;
  const clients = createPodletClients(options.podlets, { timeoutMs: options.timeoutMs, onChange: invalidate });
  for (const [path, page] of Object.entries(options.pages)) {
    for (const name of page.podlets) {
      if (!clients.has(name)) throw new Error(`podmap: page "${path}" uses podlet "${name}", which is not registered`);
    }
  }
  const files = options.staticDir ? createStaticFiles(options.staticDir) : null;
  const overrides = options.overrides ? { allowedHosts: options.overrides === true ? undefined : options.overrides.allowedHosts } : null;
  const podletNames = new Set(clients.keys());
  const shim = options.shim === false ? undefined : (options.shim ?? DEFAULT_SHIM);

  function assetsFor(path: string, page: LayoutPage): Promise<PageAssets> {
    const hit = assetsCache.get(path);
    if (hit && Date.now() - hit.at < assetsTtlMs) return hit.value;
    const value = buildPageAssets({
      globalMap: options.importMap,
      cdn,
      pagePodlets: page.podlets.map((n) => clients.get(n)!),
      allPodlets: [...clients.values()],
      shim,
    });
    const entry = { at: Date.now(), value };
    assetsCache.set(path, entry);
    if (!hit) {
      value.catch(() => assetsCache.get(path) === entry && assetsCache.delete(path)); // retried on the next request
      return value;
    }
    // Stale: serve the old assets while the new ones are built; keep the old ones if that fails.
    value.catch(() => assetsCache.get(path) === entry && assetsCache.set(path, { at: Date.now(), value: hit.value }));
    return hit.value;
  }

  async function servePage(req: IncomingMessage, res: ServerResponse, path: string, page: LayoutPage): Promise<void> {
    const pageClients = page.podlets.map((n) => clients.get(n)!);
    // Podlets without a manifest yet: the first page waits for them (it is the layout's start);
    // later pages never wait for a podlet that is down, it is retried in the background.
    const missing = [...clients.values()].filter((c) => !c.state);
    if (missing.length > 0) {
      const refreshed = Promise.all(missing.map((c) => c.refresh()));
      if (firstRequest) await refreshed;
    }
    firstRequest = false;
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    const context = {
      'podium-requested-by': options.name ?? 'podmap-layout',
      'podium-mount-origin': origin,
      'podium-mount-pathname': path,
      'podium-locale': 'en-US',
    };
    // Content requests start before the head is written, so podlets work while the browser
    // already fetches modules.
    const contents = pageClients.map((c) => c.content(context));
    let assets: PageAssets;
    try {
      assets = await assetsFor(path, page);
    } catch (error) {
      console.error(`podmap: page "${path}": ${(error as Error).message}`);
      assets = {
        map: { imports: {} },
        preloads: [],
        scripts: [],
        stylesheets: [],
        shimUrl: null,
        fallbackOnly: new Map(pageClients.map((c) => [c.name, error as PodmapError])),
      };
    }
    let applied: ImportMapOverrides | null = null;
    if (overrides) {
      applied = parseOverridesCookie(req.headers.cookie, { allowedHosts: overrides.allowedHosts, podlets: podletNames });
      if (applied) {
        for (const r of applied.rejected) {
          console.warn(`podmap: PODMAP_ERR_OVERRIDE_REJECTED: ${JSON.stringify(r.key)} → ${JSON.stringify(r.value)}: ${r.reason}`);
        }
        // A copy per response: the cached assets are every other user's page.
        // Every podlet, not only the page's: an exposed module may come from one that is not on it.
        const bases = new Map([...clients.values()].flatMap((c) => (c.state?.podmap ? [[c.name, c.state.podmap.baseUrl] as const] : [])));
        assets = applyOverrides(assets, applied, bases);
      }
    }
    const layoutCss = [...(options.layoutCss ?? [])];
    // Pages are never cached; an overridden one least of all (it is one developer's page).
    const headers: Record<string, string> = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      vary: 'Accept-Encoding',
    };
    const nonce = options.csp ? createNonce() : undefined;
    // The head is rendered once per page's assets with a placeholder where the nonce goes;
    // an overridden page is one developer's and rendered afresh.
    let rendered = applied ? undefined : headCache.get(assets);
    if (!rendered) {
      const placeholder = nonce ? NONCE_PLACEHOLDER : undefined;
      rendered = {
        head: renderHead(assets, { title: page.title, mode: options.mode, layoutCss, nonce: placeholder }).split(NONCE_PLACEHOLDER),
        csp: placeholder
          ? buildContentSecurityPolicy(placeholder, scriptOriginsOf(assets), typeof options.csp === 'object' ? options.csp : {}).split(
              NONCE_PLACEHOLDER,
            )
          : null,
      };
      if (!applied) headCache.set(assets, rendered);
    }
    if (nonce && rendered.csp) headers['content-security-policy'] = rendered.csp.join(nonce);
    const out = compressedBody(req, res, headers);
    res.writeHead(200, headers);
    let body = '<body>\n';
    if (overrides) body += `<script${attributes({ type: 'module', src: '/-/podmap/overrides.js', nonce })}></script>\n`;
    if (applied) body += renderOverridesNotice(applied, path);
    out.write(
      (nonce ? rendered.head.join(nonce) : rendered.head.join('')) +
        body +
        `<main class="page" data-page="${path === '/' ? 'home' : path.slice(1).replace(/[^a-z0-9-]/gi, '')}">\n`,
    );
    out.flush();
    // Fragments go out in page order; whatever is ready when one arrives goes in the same write.
    const ready: Array<{ html: string; error?: unknown } | undefined> = pageClients.map(() => undefined);
    contents.forEach((c, i) => void c.then((r) => (ready[i] = r)));
    const section = (index: number, result: { html: string; error?: unknown }) => {
      const client = pageClients[index]!;
      const fallbackOnly = assets.fallbackOnly.has(client.name);
      const html = fallbackOnly ? (client.state?.fallbackHtml ?? '') : result.html;
      return renderPodletSection(client.name, html, { fallback: fallbackOnly || result.error !== undefined });
    };
    for (let index = 0; index < pageClients.length;) {
      // The awaited fragment is written whatever `ready` says, so the loop always advances.
      let chunk = section(index, await contents[index]!);
      for (index++; index < pageClients.length && ready[index]; index++) chunk += section(index, ready[index]!);
      out.write(chunk);
      if (index < pageClients.length) out.flush();
    }
    out.end('</main>\n</body>\n</html>\n');
  }

  async function serveOverridesRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === CLEAR_OVERRIDES_PATH) {
      if (req.method !== 'POST') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
      // Back to a page of this layout only: any other target would make this an open redirect.
      const back = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('back') ?? '/';
      const location = Object.hasOwn(options.pages, back) ? back : '/';
      res.writeHead(303, { location, 'set-cookie': `${OVERRIDES_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    const file = fileURLToPath(import.meta.resolve(OVERRIDES_MODULES[path]!));
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : await readFile(file));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (overrides && (path === CLEAR_OVERRIDES_PATH || Object.hasOwn(OVERRIDES_MODULES, path))) return serveOverridesRoute(req, res, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    const page = Object.hasOwn(options.pages, path) ? options.pages[path] : undefined;
    if (page) return servePage(req, res, path, page);
    if (files && path.startsWith('/static/')) return files(req, res, path.slice('/static/'.length), false);
    throw new PodmapError('PODMAP_ERR_NOT_FOUND');
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => sendError(res, error));
  };
  return {
    handle,
    podlets: clients,
    async refresh() {
      await Promise.all([...clients.values()].map((c) => c.refresh(true)));
    },
    listen(port, host = '127.0.0.1') {
      return listenOn(createServer(handle), port, host);
    },
  };
}

/** Stands in for the per-response nonce in a cached head; nothing a page contains looks like it. */
const NONCE_PLACEHOLDER = '\u0000podmap-nonce\u0000';

/**
 * The page body's writer: brotli or gzip when the browser accepts it (the import map and
 * preloads compress to a fraction: their URLs repeat), with a flush after the head and after
 * each batch of fragments, so streaming still reaches the browser early. Sets
 * Content-Encoding in `headers` before they are written.
 */
function compressedBody(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) {
  const accept = String(req.headers['accept-encoding'] ?? '');
  const head = req.method === 'HEAD';
  let stream: (Transform & { flush(kind?: number, cb?: () => void): void }) | null = null;
  if (!head && /\bbr\b/.test(accept)) {
    stream = createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } });
    headers['content-encoding'] = 'br';
  } else if (!head && /\bgzip\b/.test(accept)) {
    stream = createGzip({ level: 6 });
    headers['content-encoding'] = 'gzip';
  }
  if (stream) stream.pipe(res);
  return {
    write(text: string) {
      if (head) return;
      if (stream) stream.write(text);
      else res.write(text);
    },
    flush() {
      if (stream) stream.flush(headers['content-encoding'] === 'br' ? zlib.BROTLI_OPERATION_FLUSH : zlib.Z_SYNC_FLUSH);
    },
    end(text: string) {
      if (head) res.end();
      else if (stream) stream.end(text);
      else res.end(text);
    },
  };
}
