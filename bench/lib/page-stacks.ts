import type { ServerResponse } from 'node:http';
import { startDemoStack } from '../../test/helpers/demo-stack.ts';
import { buildBundles, serveBundles, type Bundles } from './build-bundles.ts';
import { delayProxy, emulatedLink } from './delay-proxy.ts';
import type { FirefoxVariant } from './firefox-page.ts';
import type { RequestHandler } from './listen-tls.ts';
import { pageBench, pageName, pagePaths, pages, type Variant } from './page-options.ts';
import { replaceModulesWithBundle, rewriteHead, stripModulePreloads } from './rewrite-head.ts';
import type { TlsServers } from './tls-servers.ts';

/** Module requests (and worker-script fetches) the browser made to one stack's servers: counted at the servers. */
export interface Counter {
  modules: number;
  workerScript: number;
  /** Body bytes the server wrote for those worker-script fetches (compressed as sent, no headers). */
  workerScriptBytes: number;
}
export const zeroCounter = (): Counter => ({ modules: 0, workerScript: 0, workerScriptBytes: 0 });

/** Counts what the browser (not this process: the layout fetches from the CDN too) asks `handler` for. */
export function countBrowserRequests(handler: RequestHandler, counter: Counter): RequestHandler {
  return (req, res) => {
    if (/Mozilla/.test(req.headers['user-agent'] ?? '')) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.endsWith('/podmap-sw.js')) {
        counter.workerScript++;
        countBodyBytes(res, (bytes) => (counter.workerScriptBytes += bytes));
      } else if (!path.startsWith('/-/') && /\.m?js$/.test(path)) counter.modules++;
    }
    handler(req, res);
  };
}

/** Reports the body bytes a response writes, as written (end() may call write() itself: counted once). */
function countBodyBytes(res: ServerResponse, add: (bytes: number) => void): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let ending = false;
  const count = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) add(Buffer.byteLength(chunk));
  };
  res.write = ((...args: unknown[]) => {
    if (!ending) count(args[0]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') count(args[0]);
    ending = true;
    return end(...args);
  }) as typeof res.end;
}

/** One demo stack: CDN, six podlets of its own and a layout that points at them, counted at the CDN and the layout. */
export interface PageStack {
  handle: RequestHandler;
  cdnUrl: string;
  cdn: Counter;
  front: Counter;
  /** Puts a new release of the footer podlet in place of the stack's. */
  setFooter(handler: RequestHandler): void;
  serviceWorker: boolean;
}

/** A stack whose servers all speak `protocol`; its podlets' modules on its CDN or each on its own origin. */
export async function startPageStack(
  servers: TlsServers,
  cdnHandler: RequestHandler,
  options: { protocol: 'h2' | 'http/1.1'; podletAssets?: 'cdn' | 'podlet'; serviceWorker?: boolean },
): Promise<PageStack> {
  const [cdn, front] = [zeroCounter(), zeroCounter()];
  const stack = await startDemoStack({
    cdnHandler: countBrowserRequests(cdnHandler, cdn),
    listen: (handler) => servers.listen(handler, options.protocol),
    podletAssets: options.podletAssets,
  });
  const serviceWorker = options.serviceWorker ?? false;
  const layout = stack.createLayout({ serviceWorker });
  await layout.refresh();
  const handle = countBrowserRequests(layout.handle as RequestHandler, front);
  return { handle, cdnUrl: stack.cdnUrl, cdn, front, setFooter: (h) => stack.setPodlet('footer', h), serviceWorker };
}

/** A layout's pages with their modules replaced by the bundles of `kind` (B: one per page, S: split). */
export function bundledLayout(layout: RequestHandler, bundles: Bundles, kind: 'b' | 's'): RequestHandler {
  const rewritten = rewriteHead(layout, pagePaths, (head, path) => replaceModulesWithBundle(head, bundles.entries[kind][pageName(path)]!));
  return serveBundles(bundles.files, rewritten);
}

/**
 * Chromium's servers: one stack per variant that needs one (U+P and U+P SW have their own: their
 * footer releases during the run), B and S built from the h2 stack, every layout behind its own
 * TLS server. Every variant but U+P SW runs without the service worker.
 */
export async function startChromiumFronts(servers: TlsServers, cdnHandler: RequestHandler, root: string) {
  const stackFor = (protocol: 'h2' | 'http/1.1', podletAssets: 'cdn' | 'podlet' = 'cdn', serviceWorker = false) =>
    startPageStack(servers, cdnHandler, { protocol, podletAssets, serviceWorker });
  const h2 = (await stackFor('h2')).handle;
  const h1 = (await stackFor('http/1.1')).handle;
  const ownOrigins = (await stackFor('h2', 'podlet')).handle;
  const stacks: Partial<Record<Variant, PageStack>> = { 'U+P': await stackFor('h2'), 'U+P SW': await stackFor('h2', 'cdn', true) };
  const bundles = await buildBundles(root, `${servers.work}/bundles`, pages);
  const fronts: Record<Variant, string> = {
    U: await servers.listen(rewriteHead(h2, pagePaths, stripModulePreloads)),
    'U+P': await servers.listen(stacks['U+P']!.handle),
    'U+P 7o': await servers.listen(ownOrigins),
    B: await servers.listen(bundledLayout(h2, bundles, 'b')),
    S: await servers.listen(bundledLayout(h2, bundles, 's')),
    'U+P h1': await servers.listen(h1, 'http/1.1'),
    'U+P SW': await servers.listen(stacks['U+P SW']!.handle),
  };
  for (const [variant, url] of Object.entries(fronts)) {
    for (const path of pagePaths) {
      const html = await (await fetch(new URL(path, url))).text();
      if (html.includes('data-fallback')) throw new Error(`bench: ${variant} ${path} served a podlet's fallback`);
    }
  }
  return { fronts, stacks, bundles };
}

/**
 * Firefox's servers: a stack of their own (no service worker) whose layout and CDN the browser
 * reaches through delaying proxies on one emulated link; the podlets, which only the layout talks
 * to, are reached directly. B is built on the same stack, as for Chromium. `modules(variant)`
 * returns the module requests counted since its last call (only one variant loads at a time, so
 * the CDN's count is that variant's), and resets them.
 */
export async function startFirefoxFronts(servers: TlsServers, cdnHandler: RequestHandler, bundles: Bundles) {
  const link = emulatedLink(pageBench.firefoxLatency, 10);
  const delayed = async (handler: RequestHandler) => {
    const direct = await servers.listen(handler);
    const proxy = await delayProxy(Number(new URL(direct).port), link);
    servers.track(proxy);
    return `https://127.0.0.1:${proxy.port}/`;
  };
  const cdnCounter = zeroCounter();
  const counters: Record<FirefoxVariant, Counter> = { 'U+P': zeroCounter(), B: zeroCounter() };
  const stack = await startDemoStack({
    cdnHandler: countBrowserRequests(cdnHandler, cdnCounter),
    listen: (handler, server) => (server.browserFacing ? delayed(handler) : servers.listen(handler)),
  });
  const layout = stack.createLayout({ serviceWorker: false });
  await layout.refresh();
  const handle = layout.handle as RequestHandler;
  const fronts: Record<FirefoxVariant, string> = {
    'U+P': await delayed(countBrowserRequests(handle, counters['U+P'])),
    B: await delayed(countBrowserRequests(bundledLayout(handle, bundles, 'b'), counters.B)),
  };
  const modules = (variant: FirefoxVariant) => {
    const n = cdnCounter.modules + counters[variant].modules;
    Object.assign(cdnCounter, zeroCounter());
    Object.assign(counters[variant], zeroCounter());
    return n;
  };
  return { fronts, modules };
}
