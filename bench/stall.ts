/**
 * Diagnostic (issue 13, item 5): does a cold load of home stall at 0 ms latency, and under which
 * conditions? bench:page saw cold loads at 0 ms wait 30 s with every preloaded request pending.
 * Here cold loads of home, each in a fresh browser context, at 0 ms, conditions interleaved
 * (shuffled in every round), and a load counts as stalled when it has not rendered 10 s after
 * navigation began (at 0 ms a load renders in well under 1 s).
 *
 *   node --import tsx bench/stall.ts     (env: BENCH_STALL_LOADS=50 per condition, BENCH_STALL_CONDITIONS=all)
 *
 * Conditions:
 *   cdp-emu      Chromium, U+P, CDP Network.emulateNetworkConditions 0 ms 10 Mbit/s (as bench:page)
 *   cdp-noemu    Chromium, U+P, a CDP session with Network enabled, no emulation
 *   plain        Chromium, U+P, no CDP session of the bench's own at all
 *   U-emu        Chromium, U (every modulepreload link stripped), CDP emulation as bench:page
 *   half-emu     Chromium, U+P with every second modulepreload link stripped, CDP emulation
 *   7o-emu       Chromium, U+P 7o (modules from each podlet's own origin), CDP emulation
 *   7o-plain     Chromium, U+P 7o, no CDP session
 *   h1-emu       Chromium, U+P with every server HTTP/1.1, CDP emulation
 *   firefox      Firefox ESR over WebDriver BiDi, U+P (no emulation: BiDi has none but offline)
 *   firefox-7o   Firefox, U+P 7o
 * The servers count what the browser asked for during each load; for a stall the bench records the
 * requests the servers had received and not yet finished, and (with a CDP session) what the
 * browser still had pending. Writes bench/results/page-stall.json and page-stall.md.
 */
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { publishDemoAssets } from '../layouts/publish-demo.ts';
import { createCdnServer } from '../runtime/cdn/index.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
import { firefoxPath } from '../test/helpers/engines.js';
import type { RequestHandler } from './lib/listen-tls.ts';
import { emulatedConditions } from './lib/network-emulation.ts';
import { startPageStack } from './lib/page-stacks.ts';
import { trackNetwork, type NetworkEntry } from './lib/network-entries.ts';
import { rewriteHead, stripModulePreloads } from './lib/rewrite-head.ts';
import { describeMachine, markdownTable, shuffled, spreadOf, spreadText } from './lib/stats.ts';
import { startTlsServers, type TlsServers } from './lib/tls-servers.ts';
import { writeResults } from './lib/write-results.ts';

const loads = Number(process.env.BENCH_STALL_LOADS ?? 50);
const allConditions = [
  'cdp-emu',
  'cdp-noemu',
  'plain',
  'U-emu',
  'half-emu',
  '7o-emu',
  '7o-plain',
  'h1-emu',
  'firefox',
  'firefox-7o',
] as const;
type Condition = (typeof allConditions)[number];
const conditions = (process.env.BENCH_STALL_CONDITIONS ?? allConditions.join(',')).split(',') as Condition[];
const stallMs = 10_000;

/** Every second modulepreload link removed. */
function stripHalfPreloads(head: string): string {
  let i = 0;
  return head.replace(/<link\b[^>]*\brel="modulepreload"[^>]*>\n?/g, (tag) => (i++ % 2 === 0 ? '' : tag));
}

const renderProbe = `(() => {
  const poll = () => {
    const sections = document.readyState === 'loading' ? [] : [...document.querySelectorAll('section[data-podlet]')];
    if (sections.length > 0 && sections.every((s) => [...s.children].some((e) => e.localName.includes('-') && (e.shadowRoot?.textContent ?? '').trim().length > 0)))
      window.__benchRendered = performance.now();
    else setTimeout(poll, 1);
  };
  poll();
})();`;

interface Load {
  condition: Condition;
  round: number;
  stalled: boolean;
  renderedMs: number;
  /** Requests from the browser the servers received during the load, and of them not finished when it was given up. */
  serverRequests: number;
  serverUnfinished: string[];
  /** CDP only: requests the browser still had pending when the load was given up. */
  browserPending?: string[];
  error?: string;
}

const runStarted = Date.now();
const servers = await startTlsServers('podmap-bench-stall-');
const browsers: Browser[] = [];
try {
  const storeDir = join(servers.work, 'store');
  await publishDemoAssets(storeDir);
  const cdnHandler = createCdnServer({ storeDir }).listeners('request')[0] as RequestHandler;

  // What the browser asked for, and what is still unfinished, at every server.
  let received = 0;
  const unfinished = new Set<string>();
  let serverCount = 0;
  const tracked: TlsServers = {
    ...servers,
    listen: (handler, protocol) => {
      const name = `s${++serverCount}`;
      return servers.listen((req, res) => {
        if (/Mozilla/.test(req.headers['user-agent'] ?? '')) {
          const key = `${name}${req.url} #${++received}`;
          unfinished.add(key);
          res.once('close', () => unfinished.delete(key));
        }
        handler(req, res);
      }, protocol);
    },
  };
  // Podlets rendered in the browser, as when the stalls were studied (every module of the page in flight).
  const layoutOn = async (protocol: 'h2' | 'http/1.1', podletAssets: 'cdn' | 'podlet' = 'cdn') =>
    (await startPageStack(tracked, cdnHandler, { protocol, render: 'client', podletAssets })).handle;
  const [h2, h1, own] = [await layoutOn('h2'), await layoutOn('http/1.1'), await layoutOn('h2', 'podlet')];
  const front = { 'U+P': await tracked.listen(h2), '7o': await tracked.listen(own), h1: await tracked.listen(h1, 'http/1.1') };
  const fronts: Record<Condition, string> = {
    'cdp-emu': front['U+P'],
    'cdp-noemu': front['U+P'],
    plain: front['U+P'],
    'U-emu': await tracked.listen(rewriteHead(h2, ['/'], stripModulePreloads)),
    'half-emu': await tracked.listen(rewriteHead(h2, ['/'], stripHalfPreloads)),
    '7o-emu': front['7o'],
    '7o-plain': front['7o'],
    'h1-emu': front.h1,
    firefox: front['U+P'],
    'firefox-7o': front['7o'],
  };

  const chromium = await launchChromium([`--ignore-certificate-errors-spki-list=${servers.tls.spki}`]);
  browsers.push(chromium);
  const wantsFirefox = conditions.some((c) => c.startsWith('firefox'));
  const firefox = wantsFirefox
    ? await puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath, headless: true, acceptInsecureCerts: true })
    : undefined;
  if (firefox) browsers.push(firefox);
  const versions = { chromium: await chromium.version(), firefox: await firefox?.version() };

  const once = async (condition: Condition, round: number): Promise<Load> => {
    const browser = condition.startsWith('firefox') ? firefox! : chromium;
    const context = await browser.createBrowserContext();
    try {
      const page: Page = await context.newPage();
      let pending: Map<string, NetworkEntry> | undefined;
      if (!condition.startsWith('firefox') && !condition.endsWith('plain')) {
        const cdp = await page.createCDPSession();
        await cdp.send('Network.enable');
        if (condition.endsWith('-emu')) await cdp.send('Network.emulateNetworkConditions', emulatedConditions(0));
        pending = new Map();
        trackNetwork(cdp, () => pending!, false);
      }
      await page.evaluateOnNewDocument(renderProbe);
      received = 0;
      unfinished.clear();
      const started = Date.now();
      let error: string | undefined;
      try {
        await page.goto(fronts[condition], { waitUntil: 'domcontentloaded', timeout: stallMs });
        await page.waitForFunction(() => (window as unknown as { __benchRendered?: number }).__benchRendered !== undefined, {
          timeout: Math.max(100, stallMs - (Date.now() - started)),
          polling: 20,
        });
      } catch (e) {
        error = (e as Error).message.split('\n')[0];
      }
      const renderedMs = error
        ? NaN
        : await page.evaluate(() => (window as unknown as { __benchRendered: number }).__benchRendered).catch(() => NaN);
      const stalled = error !== undefined;
      return {
        condition,
        round,
        stalled,
        renderedMs,
        serverRequests: received,
        serverUnfinished: stalled ? [...unfinished] : [],
        ...(pending && stalled
          ? {
              browserPending: [...pending.values()].filter((e) => !e.done).map((e) => e.url),
            }
          : {}),
        ...(error ? { error } : {}),
      };
    } finally {
      await context.close().catch(() => {});
    }
  };

  // Warm-up, not counted: the layouts' assets, the podlets' compressed files, the CDN's cache.
  for (const condition of new Set(conditions)) await once(condition, 0).catch(() => {});
  const results: Load[] = [];
  for (let round = 1; round <= loads; round++) {
    for (const condition of shuffled(conditions)) {
      const r = await once(condition, round);
      results.push(r);
      if (r.stalled)
        console.error(
          `bench:stall: ${condition} round ${round} stalled (${r.error}); servers got ${r.serverRequests}, unfinished ${r.serverUnfinished.length}; browser pending ${r.browserPending?.length ?? '?'}`,
        );
    }
    if (round % 5 === 0) console.error(`bench:stall: round ${round}/${loads} (${Math.round((Date.now() - runStarted) / 1000)} s)`);
  }

  const rows = conditions.map((condition) => {
    const list = results.filter((r) => r.condition === condition);
    const ok = list.filter((r) => !r.stalled);
    const t = spreadOf(ok.map((r) => r.renderedMs));
    return {
      condition,
      loads: list.length,
      stalls: list.length - ok.length,
      renderedMs: t,
      serverRequests: spreadOf(ok.map((r) => r.serverRequests)).median,
    };
  });
  const date = new Date().toISOString();
  const machine = await describeMachine();
  const durationS = Math.round((Date.now() - runStarted) / 1000);
  const md = [
    '# bench:stall — cold loads of home at 0 ms, stalled or not',
    '',
    `${date} · ${versions.chromium} · ${versions.firefox ?? 'no Firefox'} · ${machine.cpus} CPUs (${machine.cpuModel}) · Node ${machine.node} · run ${Math.round(durationS / 60)} min`,
    `${loads} cold loads of home per condition, each in a fresh context, conditions shuffled in every round; stalled: not rendered within ${stallMs / 1000} s. Rendered ms of the loads that did not stall: median (min–max).`,
    '',
    markdownTable(
      ['condition', 'stalls / loads', 'rendered ms', 'browser requests at the servers'],
      rows.map((r) => [r.condition, `${r.stalls} / ${r.loads}`, spreadText(r.renderedMs), String(r.serverRequests)]),
    ),
    '',
    ...results
      .filter((r) => r.stalled)
      .flatMap((r) => [
        `- ${r.condition} round ${r.round}: ${r.error}; the servers had received ${r.serverRequests} requests, ${r.serverUnfinished.length} unfinished` +
          (r.browserPending ? `; the browser had ${r.browserPending.length} pending: ${r.browserPending.join(', ')}` : ''),
      ]),
    '',
  ].join('\n');
  await writeResults('page-stall', { date, versions, machine, loads, stallMs, durationS, rows, results }, md);
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  await servers.close();
}
