import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { firefoxPath } from '../../test/helpers/engines.js';
import { pageProbe, readSeenTimes, renderProblems, serverOnlyOf, type SeenTimes } from './page-probe.ts';
import { shuffled } from './stats.ts';

export const firefoxVariants = ['U+P', 'U+P SSR', 'B', 'B SSR'] as const;
export type FirefoxVariant = (typeof firefoxVariants)[number];
export const firefoxScenarios = ['cold home', 'home → search'] as const;
export type FirefoxScenario = (typeof firefoxScenarios)[number];

/** One load in Firefox, as the page's own timing saw it (WebDriver BiDi has no CDP network events); SeenTimes as in Chromium, LCP where this Firefox has it. */
export interface FirefoxSample extends SeenTimes {
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

type FirefoxLoad = Omit<FirefoxSample, 'variant' | 'scenario' | 'rep'>;

/** What runFirefox() needs: the layouts' URLs, their podlets' render modes and how to read the servers' module counts. */
export interface FirefoxRun {
  fronts: Record<FirefoxVariant, string>;
  modes: Record<FirefoxVariant, Record<string, string>>;
  modules: (variant: FirefoxVariant) => number;
  reps: number;
  /** Run before each visit with its front's URL (page-stacks.ts, primePages). */
  prime: (front: string) => Promise<void>;
  pages: { home: number; search: number };
  log: (line: string) => void;
}

/**
 * Firefox ESR over WebDriver BiDi: for each repetition, the variants in shuffled order, each in a new
 * browser context: cold home, then search in the same tab. `fronts` are the layouts' URLs (behind
 * the caller's delaying proxies); `modules(variant)` returns the module requests the servers
 * counted since the last call, and resets them. The certificate is accepted with the session's
 * acceptInsecureCerts capability.
 */
export async function runFirefox(options: FirefoxRun): Promise<{ version: string; samples: FirefoxSample[]; failures: string[] }> {
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
    const visit = (variant: FirefoxVariant, rep: number) => visitInFirefox(browser, options, variant, rep, samples, failures);
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

/** One visit in a new context: cold home, then search in the same tab; samples kept unless rep is 0 (warm-up). */
async function visitInFirefox(
  browser: Browser,
  options: FirefoxRun,
  variant: FirefoxVariant,
  rep: number,
  samples: FirefoxSample[],
  failures: string[],
): Promise<void> {
  await options.prime(options.fronts[variant]);
  const context = await browser.createBrowserContext();
  try {
    const tab = await context.newPage();
    await tab.evaluateOnNewDocument(pageProbe(serverOnlyOf(options.modes[variant])));
    for (const [scenario, path] of [
      ['cold home', '/'],
      ['home → search', '/search'],
    ] as const) {
      options.modules(variant);
      const r = await loadInFirefox(tab, new URL(path, options.fronts[variant]).href);
      const load = { ...r, serverModules: options.modules(variant) };
      const expected = scenario === 'cold home' ? options.pages.home : options.pages.search;
      if (load.podlets !== expected)
        failures.push(`Firefox ${variant} ${scenario} rep ${rep}: ${load.podlets} podlets, expected ${expected}`);
      const missing = (['fcpMs', 'contentMs', 'interactiveMs'] as const).filter((key) => load[key] === undefined);
      if (missing.length > 0) failures.push(`Firefox ${variant} ${scenario} rep ${rep}: no ${missing.join(', ')}`);
      for (const problem of renderProblems(load, options.modes[variant]))
        failures.push(`Firefox ${variant} ${scenario} rep ${rep}: ${problem}`);
      if (rep > 0) samples.push({ variant, scenario, rep, ...load });
    }
  } finally {
    await context.close().catch(() => {});
  }
}

/** One navigation until every podlet rendered, as the page's own timing saw it (page-probe.ts); stragglers get a quiet moment. */
async function loadInFirefox(tab: Page, url: string): Promise<Omit<FirefoxLoad, 'serverModules'>> {
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
  // After render and that moment: LCP's last candidate by then.
  return { ...seen, ...(await readSeenTimes(tab)) };
}
