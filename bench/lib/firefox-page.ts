import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { firefoxPath } from '../../test/helpers/engines.js';
import { renderProbe } from './record-page-load.ts';
import { markdownTable, shuffled, spreadOf, type Spread } from './stats.ts';

export const firefoxVariants = ['U+P', 'B'] as const;
export type FirefoxVariant = (typeof firefoxVariants)[number];
export const firefoxScenarios = ['cold home', 'home → search'] as const;
export type FirefoxScenario = (typeof firefoxScenarios)[number];

/** One load in Firefox, as the page's own timing saw it (WebDriver BiDi has no CDP network events). */
export interface FirefoxSample {
  variant: FirefoxVariant;
  scenario: FirefoxScenario;
  rep: number;
  renderedMs: number;
  podlets: number;
  ttfbMs: number;
  htmlDoneMs: number;
  /** Resource timing of the document and everything fetched before render: fetched over the network (transferSize > 0) or from the cache. */
  requests: number;
  cached: number;
  /** Sum of transferSize (headers and encoded body; the CDN sends Timing-Allow-Origin). */
  bytes: number;
  /** nextHopProtocol of the document and of those resources. */
  protocols: string[];
  /** JavaScript module requests from the browser counted at the servers during the load. */
  serverModules: number;
}

/**
 * Firefox ESR over WebDriver BiDi: for each repetition, U+P and B in shuffled order, each in a new
 * browser context: cold home, then search in the same tab. `fronts` are the layouts' URLs (behind
 * the caller's delaying proxies); `modules(variant)` returns the module requests the servers
 * counted since the last call, and resets them. The certificate is accepted with the session's
 * acceptInsecureCerts capability.
 */
export async function runFirefox(options: {
  fronts: Record<FirefoxVariant, string>;
  modules: (variant: FirefoxVariant) => number;
  reps: number;
  pages: { home: number; search: number };
  log: (line: string) => void;
}): Promise<{ version: string; samples: FirefoxSample[]; failures: string[] }> {
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    acceptInsecureCerts: true,
  });
  const samples: FirefoxSample[] = [];
  const failures: string[] = [];
  try {
    const version = await browser.version();
    const load = async (tab: Page, variant: FirefoxVariant, url: string): Promise<Omit<FirefoxSample, 'variant' | 'scenario' | 'rep'>> => {
      options.modules(variant);
      await tab.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
      await tab.waitForFunction(() => (window as unknown as { __benchRendered?: unknown }).__benchRendered !== undefined, {
        timeout: 20_000,
        polling: 50,
      });
      const seen = await tab.evaluate(() => {
        const r = (window as unknown as { __benchRendered: { at: number; podlets: number } }).__benchRendered;
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const before = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.startTime <= r.at);
        const all = [nav, ...before];
        return {
          renderedMs: r.at,
          podlets: r.podlets,
          ttfbMs: nav.responseStart,
          htmlDoneMs: nav.responseEnd,
          requests: all.filter((e) => e.transferSize > 0).length,
          cached: all.filter((e) => e.transferSize === 0 && e.decodedBodySize > 0).length,
          bytes: all.reduce((sum, e) => sum + e.transferSize, 0),
          protocols: [...new Set(all.filter((e) => e.transferSize > 0).map((e) => e.nextHopProtocol || '?'))].sort(),
        };
      });
      // Stragglers (modules after render) still reach the servers: counted after a quiet moment.
      await new Promise((r) => setTimeout(r, 300));
      return { ...seen, serverModules: options.modules(variant) };
    };
    const visit = async (variant: FirefoxVariant, rep: number) => {
      const context = await browser.createBrowserContext();
      try {
        const tab = await context.newPage();
        await tab.evaluateOnNewDocument(renderProbe);
        for (const [scenario, path] of [
          ['cold home', '/'],
          ['home → search', '/search'],
        ] as const) {
          const r = await load(tab, variant, new URL(path, options.fronts[variant]).href);
          const expected = scenario === 'cold home' ? options.pages.home : options.pages.search;
          if (r.podlets !== expected)
            failures.push(`Firefox ${variant} ${scenario} rep ${rep}: ${r.podlets} podlets, expected ${expected}`);
          if (rep > 0) samples.push({ variant, scenario, rep, ...r });
        }
      } finally {
        await context.close().catch(() => {});
      }
    };
    // Warm-up, not recorded.
    for (const variant of firefoxVariants) await visit(variant, 0).catch((e: Error) => options.log(`Firefox warm-up: ${e.message}`));
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const variant of shuffled(firefoxVariants))
        await visit(variant, rep).catch((e: Error) => void failures.push(`Firefox ${variant} rep ${rep}: ${e.message.split('\n')[0]}`));
      options.log(`Firefox: repetition ${rep}/${options.reps} done`);
    }
    return { version, samples, failures };
  } finally {
    await browser.close().catch(() => {});
  }
}

export interface FirefoxRow {
  scenario: FirefoxScenario;
  variant: FirefoxVariant;
  n: number;
  renderedMs: Spread;
  timeVsB: number;
  ttfbMs: number;
  htmlDoneMs: number;
  requests: number;
  cached: number;
  bytes: Spread;
  serverModules: Spread;
  protocols: string[];
}

export function summariseFirefox(samples: FirefoxSample[]): FirefoxRow[] {
  const rows: FirefoxRow[] = [];
  for (const scenario of firefoxScenarios) {
    const of = (variant: FirefoxVariant) => samples.filter((s) => s.scenario === scenario && s.variant === variant);
    const base = spreadOf(of('B').map((s) => s.renderedMs)).median;
    for (const variant of firefoxVariants) {
      const list = of(variant);
      if (list.length === 0) continue;
      const renderedMs = spreadOf(list.map((s) => s.renderedMs));
      rows.push({
        scenario,
        variant,
        n: list.length,
        renderedMs,
        timeVsB: renderedMs.median / base,
        ttfbMs: spreadOf(list.map((s) => s.ttfbMs)).median,
        htmlDoneMs: spreadOf(list.map((s) => s.htmlDoneMs)).median,
        requests: spreadOf(list.map((s) => s.requests)).median,
        cached: spreadOf(list.map((s) => s.cached)).median,
        bytes: spreadOf(list.map((s) => s.bytes)),
        serverModules: spreadOf(list.map((s) => s.serverModules)),
        protocols: [...new Set(list.flatMap((s) => s.protocols))].sort(),
      });
    }
  }
  return rows;
}

/** How the Firefox section's link is made: BiDi can emulate only offline, so a delaying TCP proxy. */
export const firefoxEmulation =
  'WebDriver BiDi can emulate only offline (`emulation.setNetworkConditions` takes `{ type: "offline" }`; puppeteer’s ' +
  '`page.emulateNetworkConditions` throws UnsupportedOperation for latency or throughput on BiDi), CDP is not available in Firefox, and Firefox ' +
  'has no throttling preference outside its DevTools panel. So the latency is real: the browser reaches the layout and the CDN through a TCP ' +
  'proxy (bench/lib/delay-proxy.ts) that holds every chunk half the round trip each way and paces it to 10 Mbit/s, one link shared by all ' +
  'connections. TLS and ALPN pass through it, so the page is HTTP/2 end to end (protocol column: nextHopProtocol). Unlike CDP’s emulation, ' +
  'which adds its latency once per request, the proxy delays every TCP round trip, the TCP and TLS handshakes included, as a real link does. ' +
  'The layout’s own requests to the podlets do not cross the proxy (to the CDN they do, but its CDN client answers from its cache after warm-up).';

export function firefoxMarkdown(
  rows: FirefoxRow[],
  meta: { version: string; reps: number; latencyMs: number; failures: string[] },
): string[] {
  const ms = (s: Spread) => (s.n === 0 ? '–' : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`);
  const kb = (s: Spread) =>
    s.n === 0 ? '–' : `${(s.median / 1024).toFixed(1)} (${(s.min / 1024).toFixed(1)}–${(s.max / 1024).toFixed(1)})`;
  return [
    `## Firefox: ${meta.latencyMs} ms round trip, 10 Mbit/s, through a delaying proxy`,
    '',
    `${meta.version} over WebDriver BiDi (puppeteer-core), headless, certificate accepted with acceptInsecureCerts. ${meta.reps} repetitions, U+P and B shuffled in each; ` +
      'a visit is a cold home in a new context, then search in the same tab. Time: the same render probe as above (median, min–max). ' +
      'Requests, cached, KB: resource timing of the document and everything fetched before render (transferSize; cached: transferSize 0). ' +
      'Server mods: JavaScript requests from the browser counted at the servers during the load.',
    '',
    firefoxEmulation,
    '',
    markdownTable(
      ['scenario', 'variant', 'rendered ms', '× B', 'TTFB ms', 'HTML done ms', 'requests', 'cached', 'KB', 'server mods', 'protocol'],
      rows.map((r) => [
        r.scenario,
        r.variant,
        ms(r.renderedMs),
        Number.isNaN(r.timeVsB) ? '–' : r.timeVsB.toFixed(2),
        r.ttfbMs.toFixed(0),
        r.htmlDoneMs.toFixed(0),
        String(r.requests),
        String(r.cached),
        kb(r.bytes),
        r.serverModules.min === r.serverModules.max ? String(r.serverModules.min) : ms(r.serverModules),
        r.protocols.join(', '),
      ]),
    ),
    '',
    ...(meta.failures.length > 0 ? ['Firefox failures:', '', ...meta.failures.map((f) => `- ${f}`), ''] : []),
  ];
}
