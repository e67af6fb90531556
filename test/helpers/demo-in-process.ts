import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DemoLayoutOptions } from '../../layouts/server.ts';
import { demoPages } from '../../layouts/demo-wiring.ts';
import { publishDemoAssets } from '../../layouts/publish-demo.ts';
import { createCdnServer } from '../../runtime/cdn/index.ts';
import { ensureTestStore } from './cdn-with-lit.ts';
import { startDemoStack, type Handler } from './demo-stack.ts';
import { releasePodlet, type ReleasablePodlet } from './release-podlet.ts';

/** Every request the demo's servers answered, in order: which server, the path and the status. */
export interface LoggedRequest {
  server: string;
  path: string;
  status: number;
  /** Sent by a browser (its User-Agent says Mozilla/), not by the layout or a podlet. */
  browser: boolean;
  /** Its Sec-Fetch-Dest: "script" for a module, "empty" for a fetch() (a service worker's precache, es-module-shims). */
  dest: string;
  /** A service worker's navigation preload (the Service-Worker-Navigation-Preload header). */
  preload: boolean;
}

async function serve(handler: Handler, name = '', log?: LoggedRequest[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const browser = (req.headers['user-agent'] ?? '').startsWith('Mozilla/');
    const dest = String(req.headers['sec-fetch-dest'] ?? '');
    const preload = req.headers['service-worker-navigation-preload'] !== undefined;
    if (log)
      res.once('finish', () =>
        log.push({ server: name, path: (req.url ?? '/').split('?')[0]!, status: res.statusCode, browser, dest, preload }),
      );
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The demo in one process, with what a test needs to watch and change it. */
export interface InProcessDemo {
  cdnUrl: string;
  /** The CDN's store: a private copy, which a test may change. */
  storeDir: string;
  /** The layout's origin ("http://127.0.0.1:N/"); `useLayout` changes what answers there. */
  layoutUrl: string;
  /** CDN requests per path since the start (or the last `cdnRequests.clear()`). */
  cdnRequests: Map<string, number>;
  /** Every request any of the demo's servers answered (empty it with `requests.length = 0`). */
  requests: LoggedRequest[];
  /** CDN path → the body the CDN answers instead of the stored file, as a compromised CDN would. */
  tampered: Map<string, string>;
  /** Podlet name → its manifest URL. */
  podletUrls: Record<string, string>;
  /** Answers on layoutUrl with a demo layout made with these options from now on. */
  useLayout(options: DemoLayoutOptions): void;
  /** Answers on layoutUrl with this handler (a layout of the test's own) from now on. */
  useHandler(handle: Handler): void;
  /** Publishes a new release of the footer podlet (its module marked with `marker`) and serves it in place of the old one. */
  releaseFooter(version: string, marker: string): Promise<void>;
  /** The same for the footer or the header (a podlet whose modules the page loads in every render mode of the demo). */
  releasePodlet(name: ReleasablePodlet, version: string, marker: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The demo's six podlets and its layout (createDemoLayout, as `npm start` runs it) in this
 * process, in front of a real CDN on a private copy of the test store that counts the requests
 * it answers: a test sees exactly which module crossed the network. The podlets are the demo's
 * own server.ts modules (startDemoStack).
 */
export async function startInProcessDemo(layoutOptions: DemoLayoutOptions = {}): Promise<InProcessDemo> {
  const shared = await ensureTestStore();
  await publishDemoAssets(shared);
  const storeDir = await mkdtemp(path.join(tmpdir(), 'podmap-demo-store-'));
  const workDir = await mkdtemp(path.join(tmpdir(), 'podmap-demo-work-'));
  await cp(shared, storeDir, { recursive: true });
  const cdnRequests = new Map<string, number>();
  const requests: LoggedRequest[] = [];
  const tampered = new Map<string, string>();
  const servers: Server[] = [];
  const listen = async (handler: Handler, name: string) => {
    const started = await serve(handler, name, requests);
    servers.push(started.server);
    return started.url;
  };
  const stack = await startDemoStack({ cdnHandler: countedCdn(storeDir, cdnRequests, tampered), listen: (h, s) => listen(h, s.name) });
  let layout: Handler = () => {};
  const layoutUrl = await listen((req, res) => layout(req, res), 'layout');
  const useHandler = (handle: Handler) => {
    layout = (req, res) => (isPage(req) ? withErrorCapture(handle, req, res) : handle(req, res));
  };
  const demo: InProcessDemo = {
    cdnUrl: stack.cdnUrl,
    storeDir,
    layoutUrl,
    cdnRequests,
    requests,
    tampered,
    podletUrls: stack.podletUrls,
    useHandler,
    useLayout: (options) => useHandler(stack.createLayout({ ...layoutOptions, ...options }).handle),
    async releaseFooter(version, marker) {
      stack.setPodlet('footer', await releasePodlet({ name: 'footer', workDir, storeDir, cdnUrl: stack.cdnUrl, version, marker }));
    },
    async releasePodlet(name, version, marker) {
      stack.setPodlet(name, await releasePodlet({ name, workDir, storeDir, cdnUrl: stack.cdnUrl, version, marker }));
    },
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
      for (const dir of [storeDir, workDir]) await rm(dir, { recursive: true, force: true });
    },
  };
  demo.useLayout({});
  return demo;
}

/**
 * The CDN on `storeDir`, counting the requests it answers per path, and answering a path of
 * `tampered` with the body given there instead of the stored file, as a compromised CDN would.
 */
function countedCdn(storeDir: string, cdnRequests: Map<string, number>, tampered: Map<string, string>): Handler {
  // Without shaken builds: the counts and maps these tests check are the full builds'.
  const cdnServer = createCdnServer({ storeDir, shaken: false });
  return (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    cdnRequests.set(pathname, (cdnRequests.get(pathname) ?? 0) + 1);
    const evil = tampered.get(pathname);
    if (evil === undefined) return void cdnServer.emit('request', req, res);
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
    });
    res.end(evil);
  };
}

// A page is what a browser navigates to (it asks for HTML), and any GET of a page's path: the
// service worker keeps its offline copies with fetch(), which asks for */*, and a copy it serves
// must record its errors too.
const isPage = (req: IncomingMessage) =>
  req.method === 'GET' && ((req.headers.accept ?? '').includes('text/html') || Object.hasOwn(demoPages, (req.url ?? '').split('?')[0]!));

/**
 * Records what goes wrong in a page the same way in every engine, for the engines whose console
 * a driver cannot read (WebDriver classic): a first classic script, with the page's CSP nonce,
 * that keeps uncaught errors, failed loads (scripts, modulepreloads, stylesheets), unhandled
 * rejections, CSP violations and console.error calls in `window.__podmapErrors`. The page is
 * asked for uncompressed so that the script can be put in.
 */
function withErrorCapture(handle: Handler, req: IncomingMessage, res: ServerResponse): void {
  delete req.headers['accept-encoding'];
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let done = false;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!done && typeof chunk === 'string' && chunk.includes('<head>')) {
      done = true;
      const nonce = /nonce="([^"]+)"/.exec(chunk)?.[1];
      chunk = chunk.replace('<head>', `<head>\n<script${nonce ? ` nonce="${nonce}"` : ''}>${ERROR_CAPTURE}</script>`);
    }
    return write(chunk, ...rest);
  }) as typeof res.write;
  handle(req, res);
}

const ERROR_CAPTURE = `(function(){var e=window.__podmapErrors=[];function push(m){e.push(String(m))}
addEventListener("error",function(ev){var t=ev.target;if(t&&t!==window&&(t.src||t.href))push("failed to load "+(t.src||t.href));else push(ev.message)},true);
addEventListener("unhandledrejection",function(ev){push("unhandled rejection: "+(ev.reason&&ev.reason.message||ev.reason))});
addEventListener("securitypolicyviolation",function(ev){push("CSP: "+ev.violatedDirective+" "+ev.blockedURI)});
var ce=console.error;console.error=function(){push([].join.call(arguments," "));return ce.apply(console,arguments)}})();`;
