import { delayProxy, emulatedLink } from './delay-proxy.ts';
import { runFirefox, type FirefoxVariant } from './firefox-page.ts';
import { writeFirefoxResults } from './firefox-summary.ts';
import type { RequestHandler } from './listen-tls.ts';
import { pageBench, pages, type DemoRender } from './page-options.ts';
import {
  bundledLayout,
  checkModes,
  primePages,
  countBrowserRequests,
  readRenderModes,
  startRenderedDemoStack,
  zeroCounter,
  type Counter,
  type RenderModes,
} from './page-stacks.ts';
import type { Bundles } from './build-bundles.ts';
import type { describeMachine } from './stats.ts';
import type { TlsServers } from './tls-servers.ts';

/**
 * Firefox's servers: two stacks of their own (no service worker), the podlets of one in 'client'
 * mode (U+P, B), of the other as the demo is (U+P SSR, B SSR), whose layouts and CDN the browser
 * reaches through delaying proxies on one emulated link; the podlets, which only the layouts talk
 * to, are reached directly. The bundles are Chromium's. `modules(variant)` returns the module
 * requests counted since its last call (only one variant loads at a time, so the CDNs' count is
 * that variant's), and resets them. `layouts`: each layout on a server of its own, to settle shaken builds.
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
  const counters: Record<FirefoxVariant, Counter> = {
    'U+P': zeroCounter(),
    'U+P SSR': zeroCounter(),
    B: zeroCounter(),
    'B SSR': zeroCounter(),
  };
  const stackOf = async (render: DemoRender) => {
    const stack = await startRenderedDemoStack(render, {
      cdnHandler: countBrowserRequests(cdnHandler, cdnCounter),
      listen: (handler, server) => (server.browserFacing ? delayed(handler) : servers.listen(handler)),
    });
    const layout = stack.createLayout({ serviceWorker: false });
    await layout.refresh();
    return { handle: layout.handle as RequestHandler, refresh: () => layout.refresh(), ...(await readRenderModes(stack)) };
  };
  const [client, demo] = [await stackOf('client'), await stackOf('demo')];
  const served: Record<FirefoxVariant, [RenderModes, RequestHandler]> = {
    'U+P': [client.modes, client.handle],
    'U+P SSR': [demo.modes, demo.handle],
    B: [client.modes, bundledLayout(client.handle, bundles, 'b')],
    'B SSR': [demo.modes, bundledLayout(demo.handle, bundles, 'h')],
  };
  const fronts = {} as Record<FirefoxVariant, string>;
  const modes = {} as Record<FirefoxVariant, RenderModes>;
  for (const [variant, [m, handler]] of Object.entries(served) as Array<[FirefoxVariant, [RenderModes, RequestHandler]]>) {
    checkModes(variant, m);
    fronts[variant] = await delayed(countBrowserRequests(handler, counters[variant]));
    modes[variant] = m;
  }
  // Composed from the layouts directly (no proxy, not counted): page-shaken.ts refreshes and asks each until the CDN has built all.
  const layouts = [
    { refresh: client.refresh, url: await servers.listen(client.handle) },
    { refresh: demo.refresh, url: await servers.listen(demo.handle) },
  ];
  const modules = (variant: FirefoxVariant) => {
    const n = cdnCounter.modules + counters[variant].modules;
    Object.assign(cdnCounter, zeroCounter());
    Object.assign(counters[variant], zeroCounter());
    return n;
  };
  return { fronts, modules, modes, layouts };
}

/** Firefox's part (bench/lib/firefox-page.ts), written to page-firefox.json and .md; returns its section of page.md. */
export async function runFirefoxPart(
  side: Awaited<ReturnType<typeof startFirefoxFronts>>,
  machine: Awaited<ReturnType<typeof describeMachine>>,
  log: (line: string, since: number) => void,
): Promise<string[]> {
  const started = Date.now();
  const run = await runFirefox({
    fronts: side.fronts,
    modes: side.modes,
    modules: side.modules,
    prime: primePages,
    reps: pageBench.firefoxReps,
    pages: { home: pages.home.length, search: pages.search.length },
    log: (line) => log(line, started),
  });
  const durationS = Math.round((Date.now() - started) / 1000);
  const meta = {
    machine,
    reps: pageBench.firefoxReps,
    latencyMs: pageBench.firefoxLatency,
    durationS,
    print: !pageBench.chromium,
    modes: side.modes,
  };
  return writeFirefoxResults(run, meta);
}
