/**
 * Benchmark (not a test): what a user's browser pays for podmap's unbundled pages, against
 * esbuild bundles of the same podlets, in one run (issue 6). Serves the demo in this process
 * over TLS (HTTP/2, and HTTP/1.1 for one variant), loads it in headless Chromium with CDP
 * network emulation, and writes bench/results/page.json and page.md.
 *
 *   npm run bench:page     (env: BENCH_REPS=7, BENCH_SW_REPS=BENCH_REPS, BENCH_LATENCIES=0,40,150,
 *                           BENCH_BROWSERS=chromium,firefox, BENCH_FIREFOX_REPS=BENCH_REPS, BENCH_FIREFOX_LATENCY=40)
 *
 * Firefox (issue 13, item 4; bench/lib/firefox-page.ts), after Chromium has closed: U+P against B,
 * cold home and home → search, at BENCH_FIREFOX_LATENCY ms, in Firefox ESR over WebDriver BiDi,
 * written to bench/results/page-firefox.json and .md and appended to page.md. BiDi can emulate only
 * offline (`emulation.setNetworkConditions` with `{ type: 'offline' }`; puppeteer's
 * page.emulateNetworkConditions throws UnsupportedOperation for latency or throughput without CDP),
 * and Firefox has no throttling preference outside its DevTools panel. So Firefox reaches its own
 * stack's layout and CDN through delaying TCP proxies (bench/lib/delay-proxy.ts) on one emulated
 * link: every chunk held half the round trip each way and paced to 10 Mbit/s. TLS passes through,
 * so ALPN still picks h2 (checked: nextHopProtocol). This is not CDP's model: the proxy delays
 * every round trip (TCP and TLS handshakes too, as a real link does; CDP adds its latency once per
 * request), so Firefox's absolute times do not compare with Chromium's; U+P against B does.
 * The certificate is accepted with the acceptInsecureCerts capability.
 *
 * 0 ms runs without any CDP network emulation (no 10 Mbit/s cap either; issue 13, item 5). With
 * Chromium's emulation at 0 ms latency and 10 Mbit/s, some cold loads stalled for 30 s: in
 * bench/stall.ts (bench/results/page-stall.md), 5 of 200 cold loads of home under emulation (U+P
 * 3/50, U+P 7o 1/50, U+P h1 1/50, U 0/50, half the preloads 0/50) against 0 of 150 in Chromium
 * without it (a CDP session with Network enabled 0/50, none at all 0/50, U+P 7o 0/50) and 0 of
 * 100 in Firefox; a second run (page-stall-2.md): under emulation 6 of 60, without 0 of 120. In every stall the servers had received every request the page made and
 * finished every response, while the browser still showed them pending, layout.css on the
 * layout's own connection among them: the emulation holds responses the browser has received.
 * Not HTTP/2 (it stalled over HTTP/1.1 too), not the servers, not podmap's preloads. The same
 * stall shows at 40 and 150 ms under the emulation too (the first run after this change: U 40 ms
 * and U+P 150 ms, one cold home each, 30 s, every module pending), where Chromium has no other
 * way to add latency here; those stay in the Failures list, out of the figures.
 *
 * Variants, shuffled in every repetition:
 *   U          podmap without its modulepreload links (stripped from the head here)
 *   U+P        podmap as shipped
 *   B          one esbuild bundle per page, served from the layout's origin
 *   S          esbuild split bundles: both pages in one build, shared chunks
 *   U+P h1     podmap as shipped, every server HTTP/1.1 over TLS (no h2 in ALPN)
 *   U+P SW     podmap as shipped with its generated service worker (docs/service-worker.md)
 * Every variant but U+P SW runs with `serviceWorker: false` (createDemoLayout turns it on by
 * default), so their figures compare with runs from before the worker existed.
 * Scenarios, in one browser context per variant and repetition: a cold load of home, then
 * search in the same tab, then home again in a new tab (warm HTTP cache, warm connections).
 * U+P and U+P SW then go on: a new release of the footer podlet (a patch after its own
 * version, its module changed) is published into the CDN store and served, the layout composes
 * both pages from it, and home is visited in a third tab ("home after release"); then that tab
 * reloads offline (page and worker targets offline over CDP; without a worker it cannot load:
 * "fails").
 * With the worker, the bench waits after the cold load of home until the page is controlled (the
 * worker installed: every module of both pages precached, then activated) before it navigates to
 * search; that wait is reported apart. The worker updates on the release at its own pace; the bench
 * waits for the new worker to hold the new footer before the offline reload.
 *
 * Bytes "over the network" with a worker: the page's CDP events, less every response the worker
 * served (`fromServiceWorker`), plus the requests the worker itself made (its precache and update
 * fetches, navigation preload, network-first stylesheets), from CDP sessions on each
 * `service_worker` target of the context. Those are auto-attached from a browser-level session
 * with the worker paused at start (bench/lib/service-worker-network.ts), so no fetch of it escapes,
 * and get the page's latency and bandwidth before it runs: CDP emulation on a page does not reach
 * its worker's fetches. The worker's fetches the HTTP cache answered count as cached. As a check,
 * the CDN counts the module requests the browser made ("CDN mods", U+P and U+P SW only). The
 * worker script itself is counted at the layout (fetches, and body bytes as sent, which replace
 * CDP's figure for it in KB): CDP reports its download on the worker's target only some of the
 * time, and not the browser's update checks.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { publishDemoAssets } from '../layouts/publish-demo.ts';
import { createDemoLayout } from '../layouts/server.ts';
import { createCdnServer } from '../runtime/cdn/index.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
import { buildBundles, serveBundles } from './lib/build-bundles.ts';
import { delayProxy, emulatedLink } from './lib/delay-proxy.ts';
import { demoStack } from './lib/demo-stack.ts';
import { firefoxEmulation, firefoxMarkdown, runFirefox, summariseFirefox, type FirefoxVariant } from './lib/firefox-page.ts';
import { listenTls, type RequestHandler, type TlsListener } from './lib/listen-tls.ts';
import { attachRecorder, type LoadRecord } from './lib/record-page-load.ts';
import { releaseFooter } from './lib/release-podlet.ts';
import { watchServiceWorkers } from './lib/service-worker-network.ts';
import { replaceModulesWithBundle, rewriteHead, stripModulePreloads } from './lib/rewrite-head.ts';
import { describeMachine, markdownTable, shuffled, spreadOf, type Spread } from './lib/stats.ts';
import { generateCertificate } from './lib/tls-cert.ts';

// The layout fetches manifests and content from the podlets and the CDN over the same TLS
// servers the browser uses, with a certificate made a moment ago. This process talks only to
// loopback, so certificate checks are off for its own outgoing requests (Node 20 cannot add a
// CA to fetch() after start-up).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const root = fileURLToPath(new URL('../', import.meta.url));
const reps = Number(process.env.BENCH_REPS ?? 7);
// Repetitions of U+P SW (the first swReps of each latency include it).
const swReps = Number(process.env.BENCH_SW_REPS ?? reps);
// 40 and 150 ms are the conditions; 0 ms is a diagnostic: what remains without latency is
// the browser's own cost (per module, per connection), not round trips.
const latencies = (process.env.BENCH_LATENCIES ?? '0,40,150').split(',').map(Number);
// Which browsers run: Chromium (every variant and scenario, CDP emulation) and Firefox (U+P and B,
// cold home and home → search, at one latency made by a delaying proxy).
const browsersWanted = (process.env.BENCH_BROWSERS ?? 'chromium,firefox').split(',');
const runChromium = browsersWanted.includes('chromium');
const runFirefoxToo = browsersWanted.includes('firefox');
const firefoxReps = Number(process.env.BENCH_FIREFOX_REPS ?? reps);
const firefoxLatency = Number(process.env.BENCH_FIREFOX_LATENCY ?? 40);
// U+P 7o: podmap as shipped before podlet releases moved to the CDN: each podlet serves its own
// modules, so a page opens one connection per podlet origin (7 in all).
const variants = ['U', 'U+P', 'U+P 7o', 'B', 'S', 'U+P h1', 'U+P SW'] as const;
type Variant = (typeof variants)[number];
const scenarios = ['cold home', 'home → search', 'revisit home', 'home after release', 'offline reload'] as const;
type Scenario = (typeof scenarios)[number];
const pages = { home: ['header', 'auth', 'geo', 'image', 'footer'], search: ['header', 'search', 'geo', 'footer'] };
const pagePaths = ['/', '/search'];
const pageName = (path: string) => (path === '/' ? 'home' : 'search');

/** Module requests (and worker-script fetches) the browser made to one stack's servers: counted at the servers. */
interface Counter {
  modules: number;
  workerScript: number;
  /** Body bytes the server wrote for those worker-script fetches (compressed as sent, no headers). */
  workerScriptBytes: number;
}
const zero = (): Counter => ({ modules: 0, workerScript: 0, workerScriptBytes: 0 });

interface Sample extends LoadRecord {
  variant: Variant;
  scenario: Scenario;
  latencyMs: number;
  rep: number;
  /** Module requests from the browser that the stack's CDN answered during this step (U+P and U+P SW). */
  cdnModules?: number;
  /** Fetches of the worker script during this step (registration, the browser's update check), at the layout. */
  workerScriptFetches?: number;
  /** U+P SW: their body bytes as the layout sent them; `bytes` counts these in place of CDP's figure for the script, `cdpBytes` is CDP's own total. */
  workerScriptBytes?: number;
  cdpBytes?: number;
  /**
   * U+P SW, home → search: the worker's first install before it. The page's load event until the
   * worker controlled the page; how long the bench still had to wait for that after cold home was
   * measured; what the worker fetched from the network (CDP, from the start of cold home); module
   * requests at the CDN during the wait.
   */
  installAfterLoadMs?: number;
  installWaitMs?: number;
  installBytes?: number;
  installCdnModules?: number;
  /**
   * U+P SW, home after release: after the step, until the new worker held the new footer (and no
   * other): how long, the worker's network bytes and requests, CDN module requests and worker-script
   * fetches in that time.
   */
  updateWaitMs?: number;
  updateBytes?: number;
  updateCdnModules?: number;
  updateScriptFetches?: number;
  updateScriptBytes?: number;
  updateFetches?: string[];
  /** The load could not happen (offline without a worker): why. */
  failed?: string;
}

/** What a step that could not load at all records: no figures. */
const failedRecord = (why: string): LoadRecord & { failed: string } => ({
  renderedMs: NaN,
  podlets: NaN,
  requests: NaN,
  cached: NaN,
  fromWorker: NaN,
  workerRequests: NaN,
  bytes: NaN,
  moduleBytes: NaN,
  documentBytes: NaN,
  scriptBytes: NaN,
  origins: NaN,
  ttfbMs: NaN,
  htmlDoneMs: NaN,
  lastResourceMs: NaN,
  chainDepth: NaN,
  chain: [],
  protocols: [],
  workerFetches: [],
  failed: why,
});

const runStarted = Date.now();
const work = await mkdtemp(join(tmpdir(), 'podmap-bench-page-'));
const listeners: TlsListener[] = [];
let browser: Browser | undefined;
let firefoxModules: (variant: FirefoxVariant) => number = () => 0;
const proxies: Array<{ close(): Promise<void> }> = [];
try {
  const tls = await generateCertificate(work);
  const storeDir = join(work, 'store');
  await publishDemoAssets(storeDir);
  const cdnHandler = createCdnServer({ storeDir }).listeners('request')[0] as RequestHandler;
  const listen = async (handler: RequestHandler, protocol: 'h2' | 'http/1.1') => {
    const l = await listenTls(handler, tls, protocol);
    listeners.push(l);
    return l.url;
  };

  // Counts what the browser (not this process: the layout fetches from the CDN too) asks a server for.
  const counting =
    (handler: RequestHandler, counter: Counter): RequestHandler =>
    (req, res) => {
      if (/Mozilla/.test(req.headers['user-agent'] ?? '')) {
        const path = (req.url ?? '/').split('?')[0]!;
        if (path.endsWith('/podmap-sw.js')) {
          counter.workerScript++;
          // Body bytes as written (end() may call write() itself: counted once).
          const write = res.write.bind(res) as (...args: unknown[]) => boolean;
          const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
          let ending = false;
          const add = (chunk: unknown) => {
            if (typeof chunk === 'string' || chunk instanceof Uint8Array) counter.workerScriptBytes += Buffer.byteLength(chunk);
          };
          res.write = ((...args: unknown[]) => {
            if (!ending) add(args[0]);
            return write(...args);
          }) as typeof res.write;
          res.end = ((...args: unknown[]) => {
            if (typeof args[0] !== 'function') add(args[0]);
            ending = true;
            return end(...args);
          }) as typeof res.end;
        } else if (!path.startsWith('/-/') && /\.m?js$/.test(path)) counter.modules++;
      }
      handler(req, res);
    };

  // One stack per protocol: CDN, six podlets, and a layout that points at them. Each stack has its
  // own podlet instances (and origins, so the map names the right ones); its footer can be
  // replaced by a new release.
  interface Stack {
    handle: RequestHandler;
    cdnUrl: string;
    cdn: Counter;
    front: Counter;
    setFooter(handler: RequestHandler): void;
    serviceWorker: boolean;
  }
  let stackCount = 0;
  const layoutFor = async (protocol: 'h2' | 'http/1.1', podletAssets: 'cdn' | 'podlet' = 'cdn', serviceWorker = false): Promise<Stack> => {
    const cdn = zero();
    const front = zero();
    const cdnUrl = await listen(counting(cdnHandler, cdn), protocol);
    process.env.PODMAP_CDN_URL = cdnUrl;
    const podlets = await importPodlets(podletAssets === 'cdn' ? cdnUrl : '', `${protocol}-${podletAssets}-${++stackCount}`);
    const handlers: Record<string, RequestHandler> = Object.fromEntries(Object.entries(podlets).map(([name, p]) => [name, p.handle]));
    for (const name of Object.keys(podlets))
      process.env[`PODMAP_${name.toUpperCase()}_URL`] = `${await listen((req, res) => handlers[name]!(req, res), protocol)}manifest.json`;
    const layout = createDemoLayout({ serviceWorker });
    await layout.refresh();
    return {
      handle: counting(layout.handle as RequestHandler, front),
      cdnUrl,
      cdn,
      front,
      setFooter: (handler) => void (handlers.footer = handler),
      serviceWorker,
    };
  };
  const h2Layout = (await layoutFor('h2')).handle;
  const h1Layout = (await layoutFor('http/1.1')).handle;
  const ownOriginsLayout = (await layoutFor('h2', 'podlet')).handle;
  // U+P and U+P SW have stacks of their own: their footer releases during the run.
  const stacks: Partial<Record<Variant, Stack>> = { 'U+P': await layoutFor('h2'), 'U+P SW': await layoutFor('h2', 'cdn', true) };

  const bundles = await buildBundles(root, join(work, 'bundles'), pages);
  const bundled = (kind: 'b' | 's') =>
    serveBundles(
      bundles.files,
      rewriteHead(h2Layout, pagePaths, (head, path) => replaceModulesWithBundle(head, bundles.entries[kind][pageName(path)]!)),
    );
  const fronts: Record<Variant, string> = {
    U: await listen(rewriteHead(h2Layout, pagePaths, stripModulePreloads), 'h2'),
    'U+P': await listen(stacks['U+P']!.handle, 'h2'),
    'U+P 7o': await listen(ownOriginsLayout, 'h2'),
    B: await listen(bundled('b'), 'h2'),
    S: await listen(bundled('s'), 'h2'),
    'U+P h1': await listen(h1Layout, 'http/1.1'),
    'U+P SW': await listen(stacks['U+P SW']!.handle, 'h2'),
  };
  for (const [variant, url] of Object.entries(fronts)) {
    for (const path of pagePaths) {
      const html = await (await fetch(new URL(path, url))).text();
      if (html.includes('data-fallback')) throw new Error(`bench: ${variant} ${path} served a podlet's fallback`);
    }
  }

  // Firefox's servers: a stack of their own (no service worker) whose layout and CDN the browser
  // reaches through delaying proxies on one emulated link; the podlets, which only the layout
  // talks to, are reached directly. B is built on the same stack, as for Chromium.
  const firefoxFronts: Partial<Record<FirefoxVariant, string>> = {};
  const firefoxCounters: Record<FirefoxVariant, Counter> = { 'U+P': zero(), B: zero() };
  if (runFirefoxToo) {
    const link = emulatedLink(firefoxLatency, 10);
    const delayed = async (handler: RequestHandler) => {
      const l = await listenTls(handler, tls, 'h2');
      listeners.push(l);
      const proxy = await delayProxy(Number(new URL(l.url).port), link);
      proxies.push(proxy);
      return `https://127.0.0.1:${proxy.port}/`;
    };
    // The CDN's module requests count for whichever variant is loading (only one loads at a time).
    const cdnCounter = zero();
    const ff = await demoStack(
      counting(cdnHandler, cdnCounter),
      (handler, role) => (role === 'cdn' ? delayed(handler) : listen(handler, 'h2')),
      'firefox',
    );
    firefoxFronts['U+P'] = await delayed(counting(ff.handle, firefoxCounters['U+P']));
    firefoxFronts.B = await delayed(
      counting(
        serveBundles(
          bundles.files,
          rewriteHead(ff.handle, pagePaths, (head, path) => replaceModulesWithBundle(head, bundles.entries.b[pageName(path)]!)),
        ),
        firefoxCounters.B,
      ),
    );
    firefoxModules = (variant) => {
      const n = cdnCounter.modules + firefoxCounters[variant].modules;
      Object.assign(cdnCounter, zero());
      Object.assign(firefoxCounters[variant], zero());
      return n;
    };
  }

  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${tls.spki}`]);
  const chromium = await browser.version();
  const b = browser;

  /**
   * A new footer release on `variant`'s stack; resolves once the layout composes both pages (and,
   * with a worker, its script) from it. Versions count up over the whole run: the store keeps all.
   */
  let releases = 0;
  // Patches after the footer's own version, so each release is newer than the one the demo runs.
  const [major, minor, patch] = (JSON.parse(readFileSync(join(root, 'podlets/footer/package.json'), 'utf8')) as { version: string }).version
    .split('.')
    .map(Number);
  const release = async (variant: Variant): Promise<string> => {
    const stack = stacks[variant]!;
    const version = `${major}.${minor}.${patch! + ++releases}`;
    stack.setFooter(await releaseFooter(root, work, storeDir, stack.cdnUrl, version));
    // The layout learns the release from the footer's podlet-version on the next page it composes.
    const paths = stack.serviceWorker ? [...pagePaths, '/podmap-sw.js'] : pagePaths;
    for (const deadline = Date.now() + 15_000; ;) {
      const bodies = await Promise.all(paths.map(async (path) => (await fetch(new URL(path, fronts[variant]))).text()));
      if (bodies.every((body) => body.includes(`/footer@${version}/`))) return version;
      if (Date.now() > deadline) throw new Error(`the layout did not take footer ${version} within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  type Step = LoadRecord & Partial<Sample>;
  /**
   * One visit: cold home, search in the same tab, home in a new tab of the same context; for U+P
   * and U+P SW, then home after a footer release in a third tab, and that tab reloaded offline.
   */
  const visit = async (variant: Variant, latencyMs: number): Promise<Partial<Record<Scenario, Step>>> => {
    const context = await b.createBrowserContext();
    const stack = stacks[variant];
    const workers = stack?.serviceWorker ? await watchServiceWorkers(b, context, latencyMs) : undefined;
    const resetCounters = () => {
      if (!stack) return;
      Object.assign(stack.cdn, zero());
      Object.assign(stack.front, zero());
    };
    const counted = () => (stack ? { cdnModules: stack.cdn.modules, workerScriptFetches: stack.front.workerScript } : {});
    // CDP shows the worker script's download on the worker's target only some of the time (often
    // as an 87-byte entry): its bytes are taken from the layout instead, body bytes as sent.
    const withScript = (record: LoadRecord): LoadRecord & Partial<Sample> => {
      if (!stack?.serviceWorker) return record;
      const cdpScript = record.workerFetches
        .filter((f) => f.includes('/podmap-sw.js '))
        .reduce((sum, f) => sum + (Number(f.split(' ').at(-1)) || 0), 0);
      return {
        ...record,
        cdpBytes: record.bytes,
        workerScriptBytes: stack.front.workerScriptBytes,
        bytes: record.bytes - cdpScript + stack.front.workerScriptBytes,
      };
    };
    try {
      const tab = await context.newPage();
      // When the worker takes control of the page (clients.claim at the end of its activation).
      if (workers)
        await tab.evaluateOnNewDocument(
          "navigator.serviceWorker.addEventListener('controllerchange', () => { window.__benchControlled = performance.now(); });",
        );
      const recorder = await attachRecorder(tab, latencyMs, workers);
      const step = async (scenario: Scenario, run: () => Promise<LoadRecord>): Promise<Step> => {
        resetCounters();
        const record = await run().catch((error: Error) => {
          throw new Error(`${variant}, ${scenario}: ${error.message}`, { cause: error });
        });
        return { ...withScript(record), ...counted() };
      };
      const out: Partial<Record<Scenario, Step>> = {};
      out['cold home'] = await step('cold home', () => recorder.load(new URL('/', fronts[variant]).href));
      let installWait: Partial<Sample> = {};
      if (workers) {
        // Not reset: the worker's own fetches count from the start of cold home (it registers after load).
        const cdnBefore = stack!.cdn.modules;
        const started = performance.now();
        const timing = await tab.evaluate(async () => {
          await navigator.serviceWorker.ready;
          while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 5));
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          return {
            controlled: (window as unknown as { __benchControlled?: number }).__benchControlled ?? performance.now(),
            load: nav.loadEventEnd,
          };
        });
        installWait = {
          installWaitMs: performance.now() - started,
          installAfterLoadMs: timing.controlled - timing.load,
          installBytes: workers
            .entries()
            .filter((e) => !e.cached)
            .reduce((sum, e) => sum + e.bytes, 0),
          installCdnModules: stack!.cdn.modules - cdnBefore,
        };
        await workers.settled();
      }
      const search = await step('home → search', () => recorder.load(new URL('/search', fronts[variant]).href));
      out['home → search'] = { ...search, ...installWait };
      const tab2 = await context.newPage();
      const recorder2 = await attachRecorder(tab2, latencyMs, workers);
      out['revisit home'] = await step('revisit home', () => recorder2.load(new URL('/', fronts[variant]).href));
      if (!stack) return out;

      const version = await release(variant);
      const tab3 = await context.newPage();
      const recorder3 = await attachRecorder(tab3, latencyMs, workers);
      out['home after release'] = await step('home after release', () => recorder3.load(new URL('/', fronts[variant]).href));
      if (workers) {
        // The new worker installs at its own pace (Chromium runs the update check a moment after
        // the navigation, not during it); offline needs it, and the new footer, in place.
        resetCounters();
        workers.reset();
        const started = performance.now();
        await tab3.waitForFunction(
          async (v: string) => {
            const urls = (await (await caches.open('podmap-modules')).keys()).map((r) => r.url);
            const footers = urls.filter((url) => url.includes('/footer@'));
            return (
              navigator.serviceWorker.controller !== null && footers.length > 0 && footers.every((url) => url.includes(`/footer@${v}/`))
            );
          },
          { timeout: 20_000, polling: 50 },
          version,
        );
        out['home after release'] = {
          ...out['home after release'],
          updateWaitMs: performance.now() - started,
          updateBytes: workers
            .entries()
            .filter((e) => !e.cached)
            .reduce((sum, e) => sum + e.bytes, 0),
          updateCdnModules: stack.cdn.modules,
          updateScriptFetches: stack.front.workerScript,
          updateScriptBytes: stack.front.workerScriptBytes,
          updateFetches: workers.entries().map((e) => `${e.url} ${e.cached ? '(cache)' : e.bytes}`),
        };
        await workers.settled();
      }
      await Promise.all([recorder3.setOffline(true), workers?.setOffline(true)]);
      try {
        out['offline reload'] = await step('offline reload', () => recorder3.reload());
      } catch (error) {
        if (workers) throw error;
        out['offline reload'] = { ...failedRecord((error as Error).message.split('\n')[0]!), ...counted() };
      }
      return out;
    } finally {
      await workers?.close();
      await context.close();
    }
  };

  // Warm-up, not recorded: the layouts' page assets, the podlets' compressed files, the CDN's cache.
  if (runChromium)
    for (const variant of variants) await visit(variant, 0).catch((error: Error) => console.error(`bench:page: warm-up: ${error.message}`));

  const samples: Sample[] = [];
  const failures: string[] = [];
  const orders: Record<string, Variant[][]> = {};
  const started = Date.now();
  for (const latencyMs of runChromium ? latencies : []) {
    orders[latencyMs] = [];
    for (let rep = 1; rep <= reps; rep++) {
      const order = shuffled(variants.filter((v) => v !== 'U+P SW' || rep <= swReps));
      orders[latencyMs].push(order);
      for (const variant of order) {
        try {
          const result = await visit(variant, latencyMs);
          for (const scenario of scenarios) {
            const r = result[scenario];
            if (!r) continue;
            const expected = pages[scenario === 'home → search' ? 'search' : 'home'].length;
            if (r.podlets !== expected && !r.failed)
              failures.push(`${variant} ${scenario} ${latencyMs} ms rep ${rep}: ${r.podlets} podlets, expected ${expected}`);
            samples.push({ variant, scenario, latencyMs, rep, ...r });
          }
        } catch (error) {
          failures.push(`${variant} ${latencyMs} ms rep ${rep}: ${(error as Error).message}`);
        }
      }
      console.error(`bench:page: ${latencyMs} ms, repetition ${rep}/${reps} done (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }

  const chromiumS = Math.round((Date.now() - runStarted) / 1000);
  // Firefox after Chromium has gone, so the two never share the machine's cores.
  await browser.close().catch(() => {});
  browser = undefined;
  await mkdir(join(root, 'bench/results'), { recursive: true });
  const machine = await describeMachine();
  let firefoxLines: string[] = [];
  if (runFirefoxToo) {
    const firefoxStarted = Date.now();
    const ff = await runFirefox({
      fronts: firefoxFronts as Record<FirefoxVariant, string>,
      modules: (variant) => firefoxModules(variant),
      reps: firefoxReps,
      pages: { home: pages.home.length, search: pages.search.length },
      log: (line) => console.error(`bench:page: ${line} (${Math.round((Date.now() - firefoxStarted) / 1000)} s)`),
    });
    const ffSummary = summariseFirefox(ff.samples);
    const durationS = Math.round((Date.now() - firefoxStarted) / 1000);
    firefoxLines = firefoxMarkdown(ffSummary, { version: ff.version, reps: firefoxReps, latencyMs: firefoxLatency, failures: ff.failures });
    const date = new Date().toISOString();
    await writeFile(
      join(root, 'bench/results/page-firefox.json'),
      JSON.stringify(
        {
          date,
          firefox: ff.version,
          machine,
          reps: firefoxReps,
          durationS,
          latencyMs: firefoxLatency,
          throughputMbps: 10,
          emulation: firefoxEmulation,
          failures: ff.failures,
          summary: ffSummary,
          samples: ff.samples,
        },
        null,
        2,
      ) + '\n',
    );
    const ffMd = [
      '# bench:page — Firefox',
      '',
      `${date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · Firefox part ${durationS} s`,
      '',
      ...firefoxLines,
    ].join('\n');
    await writeFile(join(root, 'bench/results/page-firefox.md'), ffMd);
    if (!runChromium) console.log(ffMd);
  }
  const summary = summarise(samples);
  const date = new Date().toISOString();
  const durationS = Math.round((Date.now() - runStarted) / 1000);
  const md =
    renderMarkdown(summary, { date, chromium, machine, reps, swReps, durationS, chromiumS, failures }) +
    ['', ...firefoxLines, ''].join('\n');
  if (runChromium)
    await writeFile(
      join(root, 'bench/results/page.json'),
      JSON.stringify(
        {
          date,
          chromium,
          machine,
          reps,
          swReps,
          durationS,
          latencies,
          throughputMbps: 10,
          variants,
          orders,
          failures,
          bundleFiles: [...bundles.files].map(([path, f]) => ({ path, bytes: f.raw.length, brotliBytes: f.br.length })),
          summary,
          samples,
        },
        null,
        2,
      ) + '\n',
    );
  if (runChromium) {
    await writeFile(join(root, 'bench/results/page.md'), md);
    console.log(md);
  }
} finally {
  await browser?.close().catch(() => {});
  await Promise.all([...proxies, ...listeners].map((l) => l.close()));
  await rm(work, { recursive: true, force: true });
}

/**
 * The demo's six podlets, imported (not started): each module exports `podlet` with a handler.
 * Podlets read PODMAP_PODLET_CDN_URL when they are created, so each stack imports its own
 * instances (the query string makes a new module) with its CDN, or none to serve their own modules.
 */
async function importPodlets(cdnUrl: string, tag: string): Promise<Record<string, { handle: RequestHandler }>> {
  const names = ['header', 'footer', 'auth', 'geo', 'image', 'search'];
  process.env.PODMAP_PODLET_CDN_URL = cdnUrl;
  const modules = await Promise.all(
    names.map(
      (n) => import(`../podlets/${n}/server.ts?${tag}`) as Promise<{ podlet: { handle(req: IncomingMessage, res: ServerResponse): void } }>,
    ),
  );
  delete process.env.PODMAP_PODLET_CDN_URL;
  return Object.fromEntries(names.map((n, i) => [n, modules[i]!.podlet]));
}

interface Row {
  scenario: Scenario;
  latencyMs: number;
  variant: Variant;
  /** Samples, and of them loads that could not happen at all (offline without a worker). */
  n: number;
  failed: number;
  renderedMs: ReturnType<typeof spreadOf>;
  requests: number;
  cached: number;
  fromWorker: number;
  workerRequests: number;
  bytes: ReturnType<typeof spreadOf>;
  moduleBytes: number;
  cdnModules: ReturnType<typeof spreadOf>;
  workerScriptFetches: number;
  documentBytes: number;
  scriptBytes: number;
  origins: number;
  chainDepth: number;
  ttfbMs: number;
  htmlDoneMs: number;
  lastResourceMs: number;
  protocols: string[];
  /** U+P SW, home → search: the wait for the install before it, and what the worker fetched then. */
  installAfterLoadMs?: ReturnType<typeof spreadOf>;
  installWaitMs?: ReturnType<typeof spreadOf>;
  installBytes?: number;
  installCdnModules?: ReturnType<typeof spreadOf>;
  /** U+P SW, home after release: the worker's update after it. */
  updateWaitMs?: ReturnType<typeof spreadOf>;
  updateBytes?: number;
  updateCdnModules?: ReturnType<typeof spreadOf>;
  updateScriptFetches?: number;
  updateScriptBytes?: number;
  /** Median render time and median bytes, each over B's (NaN where B has no such scenario). */
  timeVsB: number;
  bytesVsB: number;
}

function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    for (const latencyMs of latencies) {
      const all = (variant: Variant) =>
        samples.filter((s) => s.scenario === scenario && s.latencyMs === latencyMs && s.variant === variant);
      const of = (variant: Variant) => all(variant).filter((s) => !s.failed);
      const base = of('B');
      const baseTime = spreadOf(base.map((s) => s.renderedMs)).median;
      const baseBytes = spreadOf(base.map((s) => s.bytes)).median;
      for (const variant of variants) {
        const list = of(variant);
        if (all(variant).length === 0) continue;
        const renderedMs = spreadOf(list.map((s) => s.renderedMs));
        const bytes = spreadOf(list.map((s) => s.bytes));
        const median = (
          key:
            | 'requests'
            | 'cached'
            | 'fromWorker'
            | 'workerRequests'
            | 'moduleBytes'
            | 'documentBytes'
            | 'scriptBytes'
            | 'origins'
            | 'chainDepth'
            | 'ttfbMs'
            | 'htmlDoneMs'
            | 'lastResourceMs',
        ) => spreadOf(list.map((s) => s[key])).median;
        const optional = (
          key:
            | 'cdnModules'
            | 'workerScriptFetches'
            | 'installAfterLoadMs'
            | 'installWaitMs'
            | 'installBytes'
            | 'installCdnModules'
            | 'updateWaitMs'
            | 'updateBytes'
            | 'updateCdnModules'
            | 'updateScriptFetches'
            | 'updateScriptBytes',
        ) => spreadOf(list.flatMap((s) => (s[key] === undefined ? [] : [s[key]])));
        const wait = optional('installWaitMs');
        const update = optional('updateWaitMs');
        rows.push({
          scenario,
          latencyMs,
          variant,
          n: all(variant).length,
          failed: all(variant).length - list.length,
          renderedMs,
          requests: median('requests'),
          cached: median('cached'),
          fromWorker: median('fromWorker'),
          workerRequests: median('workerRequests'),
          bytes,
          moduleBytes: median('moduleBytes'),
          cdnModules: optional('cdnModules'),
          workerScriptFetches: optional('workerScriptFetches').median,
          documentBytes: median('documentBytes'),
          scriptBytes: median('scriptBytes'),
          origins: median('origins'),
          chainDepth: median('chainDepth'),
          ttfbMs: median('ttfbMs'),
          htmlDoneMs: median('htmlDoneMs'),
          lastResourceMs: median('lastResourceMs'),
          protocols: [...new Set(list.flatMap((s) => s.protocols))].sort(),
          ...(wait.n > 0
            ? {
                installAfterLoadMs: optional('installAfterLoadMs'),
                installWaitMs: wait,
                installBytes: optional('installBytes').median,
                installCdnModules: optional('installCdnModules'),
              }
            : {}),
          ...(update.n > 0
            ? {
                updateWaitMs: update,
                updateBytes: optional('updateBytes').median,
                updateCdnModules: optional('updateCdnModules'),
                updateScriptFetches: optional('updateScriptFetches').median,
                updateScriptBytes: optional('updateScriptBytes').median,
              }
            : {}),
          timeVsB: renderedMs.median / baseTime,
          bytesVsB: bytes.median / baseBytes,
        });
      }
    }
  }
  return rows;
}

function ms(s: Spread): string {
  return s.n === 0 ? '–' : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
}
function kb(bytes: number): string {
  return Number.isNaN(bytes) ? '–' : (bytes / 1024).toFixed(1);
}
function num(x: number, digits = 0): string {
  return Number.isNaN(x) ? '–' : x.toFixed(digits);
}
function range(s: Spread): string {
  return s.n === 0 ? '–' : s.min === s.max ? String(s.min) : `${s.median} (${s.min}–${s.max})`;
}

/** U+P against U+P SW, scenario by scenario: the comparison issue 12 asks for. */
function workerTable(rows: Row[]): string[] {
  const out: string[] = [];
  for (const scenario of scenarios) {
    const lines: string[][] = [];
    for (const latencyMs of latencies) {
      const without = rows.find((r) => r.scenario === scenario && r.latencyMs === latencyMs && r.variant === 'U+P');
      const withWorker = rows.find((r) => r.scenario === scenario && r.latencyMs === latencyMs && r.variant === 'U+P SW');
      for (const r of [without, withWorker]) {
        if (!r) continue;
        const fails = r.failed === r.n;
        const ratio =
          r === withWorker && without && without.failed < without.n ? num(r.renderedMs.median / without.renderedMs.median, 2) : '';
        lines.push([
          String(latencyMs),
          r.variant,
          fails ? 'fails' : ms(r.renderedMs),
          fails ? '' : ratio,
          fails ? '–' : `${kb(r.bytes.median)} (${kb(r.bytes.min)}–${kb(r.bytes.max)})`,
          fails ? '–' : kb(r.moduleBytes),
          fails ? '–' : range(r.cdnModules),
          fails ? '–' : num(r.requests),
          fails ? '–' : num(r.fromWorker),
          fails ? '–' : num(r.workerRequests),
          r.installWaitMs
            ? `${ms(r.installAfterLoadMs!)} after load; bench waited ${ms(r.installWaitMs)}; worker ${kb(r.installBytes!)} KB; ${range(r.installCdnModules!)} CDN mods in the wait`
            : r.updateWaitMs
              ? `update after this step: ${ms(r.updateWaitMs)} ms; worker ${kb(r.updateBytes!)} KB; ${range(r.updateCdnModules!)} CDN mods; worker script ${num(r.updateScriptFetches!)}× ${kb(r.updateScriptBytes!)} KB`
              : '',
        ]);
      }
    }
    if (lines.length === 0) continue;
    out.push(
      `### ${scenario}`,
      '',
      markdownTable(
        [
          'latency ms',
          'variant',
          'rendered ms',
          '× U+P',
          'KB over the network',
          'module KB',
          'CDN mods',
          'page requests',
          'by SW',
          'SW requests',
          'the worker’s install / update',
        ],
        lines,
      ),
      '',
    );
  }
  return out;
}

function renderMarkdown(
  rows: Row[],
  meta: {
    date: string;
    chromium: string;
    machine: Awaited<ReturnType<typeof describeMachine>>;
    reps: number;
    swReps: number;
    durationS: number;
    chromiumS: number;
    failures: string[];
  },
): string {
  const { machine } = meta;
  const out = [
    '# bench:page — podmap against bundles, in the browser',
    '',
    `${meta.date} · ${meta.chromium} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · run ${Math.round(meta.durationS / 60)} min (Chromium ${Math.round(meta.chromiumS / 60)} min)`,
    `${meta.reps} repetitions per variant and latency (U+P SW: ${meta.swReps}), variants shuffled in each; CDP emulation 10 Mbit/s both ways, on the page and on its service worker; ` +
      '0 ms without any emulation (no cap either: with Chromium’s emulation, cold loads at 0 ms stalled, page-stall.md). ' +
      'Every variant but U+P SW runs without the service worker. ' +
      'Time: performance.now() when every podlet element has rendered into its shadow root (median, min–max). ' +
      'Requests and KB: from the network only (cache hits and responses a service worker served counted apart), encodedDataLength with headers, ' +
      'the page’s requests plus those the service worker made itself (its script: body bytes as the layout sent them). Module KB: of those, JavaScript modules. ' +
      'CDN mods: module requests from the browser counted at the CDN (U+P and U+P SW only). ' +
      'HTML done / last byte: medians, from the page’s navigation and resource timing (last byte: of anything fetched before render). ' +
      'Chain: the longest initiator chain of the page’s network requests, the document counting 1. × B: median over B’s median. ' +
      '0 ms latency is a diagnostic, not a target condition.',
    '',
    'Stalls at 0 ms (issue 13, item 5; `node --import tsx bench/stall.ts`, page-stall.md): cold loads of home at 0 ms in fresh contexts stalled ' +
      'only under Chromium’s CDP emulation (0 ms, 10 Mbit/s): 5 of 200 (U+P 3/50, U+P 7o 1/50, U+P h1 1/50, U 0/50, half the preloads 0/50), ' +
      'against 0 of 150 in Chromium without emulation and 0 of 100 in Firefox; a second run (page-stall-2.md) 6 of 60 under emulation, 0 of 120 without. In each stall the servers had received every request and ' +
      'finished every response while the browser still had them pending (layout.css on the layout’s own connection too): the emulation ' +
      'holds them, not the servers or HTTP/2. So 0 ms here runs without emulation. The same stall can hit 40 and 150 ms, ' +
      'which need the emulation: such a load is listed under Failures and left out of the figures.',
    '',
    '## With the service worker (U+P SW) and without (U+P)',
    '',
    'A visit: cold home; (with the worker: wait until it controls the page, its install done); search in the same tab; home in a new tab; ' +
      'a new footer release published and served, home in a third tab; that tab reloaded offline. Without a worker, an offline reload cannot load: “fails”.',
    '',
    ...workerTable(rows),
  ];
  for (const scenario of scenarios) {
    for (const latencyMs of latencies) {
      const selected = rows.filter((r) => r.scenario === scenario && r.latencyMs === latencyMs && r.failed < r.n);
      if (selected.length === 0) continue;
      out.push(`## ${scenario}, ${latencyMs} ms latency`, '');
      out.push(
        markdownTable(
          [
            'variant',
            'rendered ms',
            '× B',
            'HTML done ms',
            'last byte ms',
            'requests',
            'cached',
            'by SW',
            'SW requests',
            'origins',
            'KB',
            '× B bytes',
            'HTML KB',
            'JS KB',
            'module KB',
            'CDN mods',
            'chain',
            'protocol',
          ],
          selected.map((r) => [
            r.variant,
            ms(r.renderedMs),
            num(r.timeVsB, 2),
            num(r.htmlDoneMs),
            num(r.lastResourceMs),
            num(r.requests),
            num(r.cached),
            num(r.fromWorker),
            num(r.workerRequests),
            num(r.origins),
            kb(r.bytes.median),
            num(r.bytesVsB, 2),
            kb(r.documentBytes),
            kb(r.scriptBytes),
            kb(r.moduleBytes),
            range(r.cdnModules),
            num(r.chainDepth),
            r.protocols.join(', '),
          ]),
        ),
        '',
      );
    }
  }
  if (meta.failures.length > 0) out.push('## Failures', '', ...meta.failures.map((f) => `- ${f}`), '');
  return out.join('\n');
}
