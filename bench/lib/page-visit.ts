import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { releaseFooter } from '../../test/helpers/release-footer.ts';
import { failedRecord, pagePaths, type Sample, type Scenario, type Variant } from './page-options.ts';
import { serverOnlyOf } from './page-probe.ts';
import { primePages, zeroCounter, type PageStack, type RenderModes } from './page-stacks.ts';
import { attachRecorder, type LoadRecord } from './record-page-load.ts';
import { watchServiceWorkers } from './service-worker-network.ts';

type Step = LoadRecord & Partial<Sample>;
type Workers = Awaited<ReturnType<typeof watchServiceWorkers>>;
/** What one visit measured, by scenario (variants without a stack stop after revisit home). */
export type Visit = Partial<Record<Scenario, Step>>;

/** What a visit needs: the browser, each variant's front URL and its podlets' render modes and, for U+P and U+P SW, its stack. */
export interface Visitor {
  browser: Browser;
  fronts: Record<Variant, string>;
  modes: Record<Variant, RenderModes>;
  stacks: Partial<Record<Variant, PageStack>>;
  /** The run's temp folder and CDN store, where footer releases go. */
  work: string;
  storeDir: string;
}

let releases = 0;
// Patches after the footer's own version, so each release is newer than the one the demo runs.
const [major, minor, patch] = (
  JSON.parse(readFileSync(new URL('../../podlets/footer/package.json', import.meta.url), 'utf8')) as { version: string }
).version
  .split('.')
  .map(Number);

/**
 * A new footer release on `variant`'s stack; resolves once the layout composes both pages (and,
 * with a worker, its script) from it. Versions count up over the whole run: the store keeps all.
 */
async function release(visitor: Visitor, variant: Variant): Promise<string> {
  const stack = visitor.stacks[variant]!;
  const version = `${major}.${minor}.${patch! + ++releases}`;
  stack.setFooter(await releaseFooter({ workDir: visitor.work, storeDir: visitor.storeDir, cdnUrl: stack.cdnUrl, version }));
  // The layout learns the release from the footer's podlet-version on the next page it composes.
  const paths = stack.serviceWorker ? [...pagePaths, '/podmap-sw.js'] : pagePaths;
  for (const deadline = Date.now() + 15_000; ;) {
    const bodies = await Promise.all(paths.map(async (path) => (await fetch(new URL(path, visitor.fronts[variant]))).text()));
    if (bodies.every((body) => body.includes(`/footer@${version}/`))) return version;
    if (Date.now() > deadline) throw new Error(`the layout did not take footer ${version} within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * How a step of a visit runs: the stack's counters reset, the load, and what the servers counted
 * added. CDP shows the worker script's download on the worker's target only some of the time
 * (often as an 87-byte entry): with a worker its bytes are taken from the layout instead, body
 * bytes as sent.
 */
function stepsOf(variant: Variant, stack: PageStack | undefined) {
  const resetCounters = () => {
    if (!stack) return;
    Object.assign(stack.cdn, zeroCounter());
    Object.assign(stack.front, zeroCounter());
  };
  const counted = () => (stack ? { cdnModules: stack.cdn.modules, workerScriptFetches: stack.front.workerScript } : {});
  const withScript = (record: LoadRecord): Step => {
    if (!stack?.serviceWorker) return record;
    const cdpScript = record.workerFetches
      .filter((f) => f.includes('/podmap-sw.js '))
      .reduce((sum, f) => sum + (Number(f.split(' ').at(-1)) || 0), 0);
    const scriptBytes = stack.front.workerScriptBytes;
    return { ...record, cdpBytes: record.bytes, workerScriptBytes: scriptBytes, bytes: record.bytes - cdpScript + scriptBytes };
  };
  const step = async (scenario: Scenario, run: () => Promise<LoadRecord>): Promise<Step> => {
    resetCounters();
    const record = await run().catch((error: Error) => {
      throw new Error(`${variant}, ${scenario}: ${error.message}`, { cause: error });
    });
    return { ...withScript(record), ...counted() };
  };
  return { step, counted, resetCounters };
}

/** Bytes the worker fetched from the network since its entries were last reset. */
const workerBytes = (workers: Workers) =>
  workers
    .entries()
    .filter((e) => !e.cached)
    .reduce((sum, e) => sum + e.bytes, 0);

/**
 * After cold home with a worker: waits until the worker controls the page (its install done: every
 * module of both pages precached, then activated). Not reset: the worker's own fetches count from
 * the start of cold home (it registers after load).
 */
async function waitForInstall(tab: Page, workers: Workers, stack: PageStack): Promise<Partial<Sample>> {
  const cdnBefore = stack.cdn.modules;
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
  const wait = {
    installWaitMs: performance.now() - started,
    installAfterLoadMs: timing.controlled - timing.load,
    installBytes: workerBytes(workers),
    installCdnModules: stack.cdn.modules - cdnBefore,
  };
  await workers.settled();
  return wait;
}

/**
 * After home after release with a worker: the new worker installs at its own pace (Chromium runs
 * the update check a moment after the navigation, not during it); offline needs it, and the new
 * footer, in place. Waits until the worker's cache holds that footer and no other.
 */
async function waitForUpdate(tab: Page, workers: Workers, stack: PageStack, version: string): Promise<Partial<Sample>> {
  workers.reset();
  const started = performance.now();
  await tab.waitForFunction(
    async (v: string) => {
      const urls = (await (await caches.open('podmap-modules')).keys()).map((r) => r.url);
      const footers = urls.filter((url) => url.includes('/footer@'));
      return navigator.serviceWorker.controller !== null && footers.length > 0 && footers.every((url) => url.includes(`/footer@${v}/`));
    },
    { timeout: 20_000, polling: 50 },
    version,
  );
  const update = {
    updateWaitMs: performance.now() - started,
    updateBytes: workerBytes(workers),
    updateCdnModules: stack.cdn.modules,
    updateScriptFetches: stack.front.workerScript,
    updateScriptBytes: stack.front.workerScriptBytes,
    updateFetches: workers.entries().map((e) => `${e.url} ${e.cached ? '(cache)' : e.bytes}`),
  };
  await workers.settled();
  return update;
}

/**
 * One visit: cold home, search in the same tab, home in a new tab of the same context; for U+P
 * and U+P SW, then home after a footer release in a third tab, and that tab reloaded offline
 * (without a worker it cannot load: recorded as failed).
 */
export async function visitPages(visitor: Visitor, variant: Variant, latencyMs: number): Promise<Visit> {
  await primePages(visitor.fronts[variant]);
  const context = await visitor.browser.createBrowserContext();
  const stack = visitor.stacks[variant];
  const workers = stack?.serviceWorker ? await watchServiceWorkers(visitor.browser, context, latencyMs) : undefined;
  const { step, counted, resetCounters } = stepsOf(variant, stack);
  const url = (path: string) => new URL(path, visitor.fronts[variant]).href;
  const serverOnly = serverOnlyOf(visitor.modes[variant]);
  const newTab = async () => {
    const tab = await context.newPage();
    return { tab, recorder: await attachRecorder(tab, latencyMs, workers, serverOnly) };
  };
  try {
    const tab = await context.newPage();
    // When the worker takes control of the page (clients.claim at the end of its activation).
    if (workers)
      await tab.evaluateOnNewDocument(
        "navigator.serviceWorker.addEventListener('controllerchange', () => { window.__benchControlled = performance.now(); });",
      );
    const recorder = await attachRecorder(tab, latencyMs, workers, serverOnly);
    const out: Visit = { 'cold home': await step('cold home', () => recorder.load(url('/'))) };
    const installWait = workers ? await waitForInstall(tab, workers, stack!) : {};
    out['home → search'] = { ...(await step('home → search', () => recorder.load(url('/search')))), ...installWait };
    const second = await newTab();
    out['revisit home'] = await step('revisit home', () => second.recorder.load(url('/')));
    if (!stack) return out;

    const version = await release(visitor, variant);
    const third = await newTab();
    out['home after release'] = await step('home after release', () => third.recorder.load(url('/')));
    if (workers) {
      resetCounters();
      out['home after release'] = { ...out['home after release'], ...(await waitForUpdate(third.tab, workers, stack, version)) };
    }
    await Promise.all([third.recorder.setOffline(true), workers?.setOffline(true)]);
    out['offline reload'] = await step('offline reload', () => third.recorder.reload()).catch((error: Error) => {
      if (workers) throw error;
      return { ...failedRecord(error.message.split('\n')[0]!), ...counted() };
    });
    return out;
  } finally {
    await workers?.close();
    await context.close();
  }
}
