/**
 * Benchmark (not a test): what a user's browser pays for podmap's unbundled pages, against
 * esbuild bundles of the same podlets, in one run (issue 6). Serves the demo in this process
 * over TLS (HTTP/2, and HTTP/1.1 for one variant), loads it in headless Chromium with CDP
 * network emulation, and writes bench/results/page.json and page.md.
 *
 *   npm run bench:page     (env: BENCH_REPS=7, BENCH_SW_REPS=BENCH_REPS, BENCH_LATENCIES=0,40,150,
 *                           BENCH_BROWSERS=chromium,firefox, BENCH_FIREFOX_REPS=BENCH_REPS, BENCH_FIREFOX_LATENCY=40)
 *
 * Firefox (issue 13, item 4; bench/lib/firefox-page.ts), after Chromium has closed: U+P, U+P SSR, B and B SSR,
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
 * What a person sees (issue 19), beside "rendered", for every variant and scenario, in Chromium and
 * Firefox, from a probe each page runs before any of its content (bench/lib/page-probe.ts): first
 * and largest contentful paint from the page's PerformanceObservers (buffered, read after render
 * and the stragglers; "n/a" where the browser has no LCP); "content", every podlet's shadow root
 * with text, server-rendered or not; "on screen", the later of content and FCP; "interactive",
 * every podlet's custom element defined and past its first update (lit's hasUpdated), or an ssr-only podlet's content there. With podlets
 * rendered on the client the last two equal "rendered"; U+P SSR and B SSR show content before they
 * are interactive. A load that rendered without FCP, content or interactive, or whose podlets did
 * not show as their render modes say (hydrated, rendered in the browser, server-only; page-probe.ts),
 * is listed under Failures (its figures still count).
 *
 * Shaken builds and minified releases (docs/shaken-builds.md, docs/cdn.md): the CDN runs with its
 * shaken-builds service, and before anything is measured the bench refreshes every layout and asks
 * for its pages until the CDN has nothing left to build (bench/lib/page-shaken.ts), so every
 * podmap variant loads what podmap ships from the first load on, not full builds that turn into
 * shaken ones in the middle of the run. Podlet releases are minified as they are published.
 * bench/results/page-modules.md (bench/lib/page-modules-report.ts) breaks the cold home page's
 * modules at 40 ms down by package, U+P against B and U+P SSR against B SSR: per response its
 * bytes, body and headers, per package what the bundle keeps of it (esbuild's metafile), and the
 * CDN's shaken-build state of each package version.
 *
 * Variants, shuffled in every repetition:
 *   U          podmap without its modulepreload links (stripped from the head here)
 *   U+P        podmap as shipped
 *   U+P SSR    podmap as shipped, the demo's podlets rendered on the server and hydrated (issue 19)
 *   B          one esbuild bundle per page, served from the layout's origin
 *   B SSR      U+P SSR's pages, hydrated by one esbuild bundle per page (lit's hydrate support first)
 *   S          esbuild split bundles: both pages in one build, shared chunks
 *   U+P h1     podmap as shipped, every server HTTP/1.1 over TLS (no h2 in ALPN)
 *   U+P SW     podmap as shipped with its generated service worker (docs/service-worker.md)
 * Every variant but U+P SSR and B SSR starts its podlets with PODMAP_DEMO_RENDER=client, all
 * rendering in the browser as before server rendering existed (bench/lib/page-options.ts,
 * variantRender, says why for each); U+P SSR and B SSR run the demo's own modes
 * (docs/render-modes.md). Each variant's modes, read from its podlets' podmap.json, are in
 * page.json. The server-rendering section of page.md gives U+P SSR against U+P and B SSR at 40 ms,
 * with the issue's targets (bench/lib/ssr-targets.ts).
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
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { publishDemoAssets } from '../layouts/publish-demo.ts';
import { createCdnServer, createShakenService } from '../runtime/cdn/index.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
import type { RequestHandler } from './lib/listen-tls.ts';
import { renderPageMarkdown } from './lib/page-markdown.ts';
import { pageBench, pages, scenarios, variantRender, variants, type Sample, type Variant } from './lib/page-options.ts';
import { runFirefoxPart, startFirefoxFronts } from './lib/firefox-stacks.ts';
import { writeModulesReport } from './lib/page-modules-report.ts';
import { settlePageShaken, watchShakenAnswers } from './lib/page-shaken.ts';
import { startChromiumFronts } from './lib/page-stacks.ts';
import { renderProblems } from './lib/page-probe.ts';
import { summarise } from './lib/page-summary.ts';
import { ssrIntroduction, ssrSection } from './lib/ssr-targets.ts';
import { visitPages, type Visitor } from './lib/page-visit.ts';
import { describeMachine, shuffled } from './lib/stats.ts';
import { startTlsServers } from './lib/tls-servers.ts';
import { writeResults } from './lib/write-results.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const runStarted = Date.now();
const log = (line: string, since = runStarted) => console.error(`bench:page: ${line} (${Math.round((Date.now() - since) / 1000)} s)`);

const servers = await startTlsServers('podmap-bench-page-');
let browser: Browser | undefined;
try {
  const storeDir = join(servers.work, 'store');
  await publishDemoAssets(storeDir);
  const shaken = createShakenService(storeDir);
  const answers = watchShakenAnswers(createCdnServer({ storeDir, shaken }).listeners('request')[0] as RequestHandler);
  const cdnHandler = answers.handler;
  const chromiumSide = await startChromiumFronts(servers, cdnHandler, root);
  const firefoxSide = pageBench.firefox ? await startFirefoxFronts(servers, cdnHandler, chromiumSide.bundles) : undefined;
  const settled = await settlePageShaken([...chromiumSide.layouts, ...(firefoxSide?.layouts ?? [])], shaken, answers);
  log(`shaken builds settled in ${settled.rounds} rounds`);

  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${servers.tls.spki}`]);
  const chromium = await browser.version();
  const { fronts, stacks, modes } = chromiumSide;
  const visitor: Visitor = { browser, fronts, stacks, modes, work: servers.work, storeDir };
  const chromiumRun = pageBench.chromium ? await runChromium(visitor) : { samples: [], failures: [], orders: {} };
  const chromiumS = Math.round((Date.now() - runStarted) / 1000);
  // Firefox after Chromium has gone, so the two never share the machine's cores.
  await browser.close().catch(() => {});
  browser = undefined;
  const machine = await describeMachine();
  const firefoxLines = firefoxSide ? await runFirefoxPart(firefoxSide, machine, (line, started) => log(line, started)) : [];
  if (pageBench.chromium) {
    const latencyMs = pageBench.latencies.includes(40) ? 40 : pageBench.latencies[0]!;
    const { bundles } = chromiumSide;
    const run = { samples: chromiumRun.samples, bundles, states: settled.states, latencyMs, date: new Date().toISOString() };
    await writeModulesReport(root, run);
    const summary = summarise(chromiumRun.samples);
    const ssr = serverRendering(chromiumRun.samples, modes);
    const date = new Date().toISOString();
    const durationS = Math.round((Date.now() - runStarted) / 1000);
    const md =
      renderPageMarkdown(summary, { date, chromium, machine, durationS, chromiumS, failures: chromiumRun.failures, ssrLines: ssr.lines }) +
      ['', ...firefoxLines, ''].join('\n');
    const { reps, swReps, latencies } = pageBench;
    const bundleFiles = [...chromiumSide.bundles.files].map(([path, f]) => ({ path, bytes: f.raw.length, brotliBytes: f.br.length }));
    const { orders, failures, samples } = chromiumRun;
    const json = {
      date,
      chromium,
      machine,
      reps,
      swReps,
      durationS,
      latencies,
      throughputMbps: 10,
      variants,
      variantRender,
      modes,
      orders,
      failures,
    };
    const ssrTargets = { latencyMs: ssr.latencyMs, ...ssr.targets };
    await writeResults('page', { ...json, bundleFiles, summary, ssrTargets, samples }, md);
  }
} finally {
  await browser?.close().catch(() => {});
  await servers.close();
}

/**
 * Chromium's part: a warm-up visit of every variant (not recorded: the layouts' page assets, the
 * podlets' compressed files, the CDN's cache), then at each latency `reps` repetitions, variants
 * shuffled in each (U+P SW in the first swReps only).
 */
async function runChromium(visitor: Visitor) {
  for (const variant of variants) await visitPages(visitor, variant, 0).catch((error: Error) => log(`warm-up: ${error.message}`));
  const samples: Sample[] = [];
  const failures: string[] = [];
  const orders: Record<string, Variant[][]> = {};
  const started = Date.now();
  for (const latencyMs of pageBench.latencies) {
    orders[latencyMs] = [];
    for (let rep = 1; rep <= pageBench.reps; rep++) {
      const order = shuffled(variants.filter((v) => v !== 'U+P SW' || rep <= pageBench.swReps));
      orders[latencyMs].push(order);
      for (const variant of order) {
        try {
          const result = await visitPages(visitor, variant, latencyMs);
          for (const scenario of scenarios) {
            const r = result[scenario];
            if (!r) continue;
            const expected = pages[scenario === 'home → search' ? 'search' : 'home'].length;
            if (r.podlets !== expected && !r.failed)
              failures.push(`${variant} ${scenario} ${latencyMs} ms rep ${rep}: ${r.podlets} podlets, expected ${expected}`);
            const missing = r.failed ? [] : (['fcpMs', 'contentMs', 'interactiveMs'] as const).filter((key) => r[key] === undefined);
            if (missing.length > 0) failures.push(`${variant} ${scenario} ${latencyMs} ms rep ${rep}: no ${missing.join(', ')}`);
            for (const problem of r.failed ? [] : renderProblems(r, visitor.modes[variant]))
              failures.push(`${variant} ${scenario} ${latencyMs} ms rep ${rep}: ${problem}`);
            samples.push({ variant, scenario, latencyMs, rep, ...r });
          }
        } catch (error) {
          failures.push(`${variant} ${latencyMs} ms rep ${rep}: ${(error as Error).message}`);
        }
      }
      log(`${latencyMs} ms, repetition ${rep}/${pageBench.reps} done`, started);
    }
  }
  return { orders, failures, samples };
}

/**
 * The server-rendering section of page.md (bench/lib/ssr-targets.ts) at 40 ms, the targets'
 * latency (or the run's first latency without it): U+P SSR against U+P and B SSR, per scenario.
 */
function serverRendering(samples: Sample[], modes: Record<string, Record<string, string>>) {
  const latencyMs = pageBench.latencies.includes(40) ? 40 : pageBench.latencies[0]!;
  const of = (scenario: string, variant: string) =>
    samples.filter((s) => !s.failed && s.scenario === scenario && s.variant === variant && s.latencyMs === latencyMs);
  const { lines, targets } = ssrSection(['cold home', 'home → search', 'revisit home'], of, {
    modes,
    variants: ['U+P', 'U+P SSR', 'B', 'B SSR'],
    podlets: (scenario) => pages[scenario === 'home → search' ? 'search' : 'home'],
  });
  const intro = [`## Server rendering: U+P SSR against U+P and B SSR, ${latencyMs} ms latency`, '', ssrIntroduction(modes), ''];
  return { latencyMs, targets, lines: [...intro, ...lines] };
}
