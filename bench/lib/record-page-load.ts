import type { CDPSession, Page } from 'puppeteer-core';
import { setOffline as setLinkOffline, startNetwork } from './network-emulation.ts';

/** What one page load cost, as the browser saw it. */
export interface LoadRecord {
  /** performance.now() (ms since navigation start) when every podlet element had rendered. */
  renderedMs: number;
  /** Podlet elements that rendered (home 5, search 4). */
  podlets: number;
  /** Requests that went to the network (not answered by the HTTP or memory cache). */
  requests: number;
  /** Requests answered from a cache, or by a service worker (no network). */
  cached: number;
  /** Of `cached`: the page's requests a service worker answered (CDP `fromServiceWorker`). */
  fromWorker: number;
  /** Requests a service worker made to the network itself (CDP on its target), during this load. */
  workerRequests: number;
  /** Bytes received from the network, the page's and any service worker's: CDP encodedDataLength, headers included. Responses a worker served the page are not counted (its own fetches are). */
  bytes: number;
  /** Of `bytes`: JavaScript modules (URLs ending .js/.mjs, the worker's script aside), fetched by the page or a worker. */
  moduleBytes: number;
  /** Of `bytes`: the HTML document, and scripts. */
  documentBytes: number;
  scriptBytes: number;
  /** Origins the page's network requests went to (each a connection to open on a cold load). */
  origins: number;
  /** From navigation start, as the page's own timing saw it: first byte of the HTML, its last byte, and the last byte of any subresource fetched before render. */
  ttfbMs: number;
  htmlDoneMs: number;
  lastResourceMs: number;
  /** The longest initiator chain of network requests, the document counting as 1. */
  chainDepth: number;
  /** The URLs of that longest chain, document first. */
  chain: string[];
  /** Protocols seen on network responses ("h2", "http/1.1"). */
  protocols: string[];
  /** The service worker's own requests: "URL bytes", or "URL (cache)" / "URL (failed)". */
  workerFetches: string[];
}

/** One request, as CDP reported it on a page's or a service worker's session. */
export interface NetworkEntry {
  url: string;
  type: string;
  parent: string | null;
  /** Not from the network: the HTTP or memory cache, or (for the page) answered by a service worker. */
  cached: boolean;
  /** The page's request was answered by a service worker. */
  fromWorker: boolean;
  /** Made by a service worker (its own fetch), not by the page. */
  byWorker: boolean;
  bytes: number;
  done: boolean;
  protocol?: string;
}
type Entry = NetworkEntry;

/** Requests seen elsewhere (a service worker's target) that a page load counts with its own. */
export interface NetworkSource {
  /** Forgets what was seen so far: called as each load starts. */
  reset(): void;
  entries(): NetworkEntry[];
}

/**
 * Records a CDP session's requests into the map `into()` returns at each event (keys are prefixed
 * with the session id, so several sessions may share a map). Network must be enabled by the caller.
 */
export function trackNetwork(cdp: CDPSession, into: () => Map<string, NetworkEntry>, byWorker: boolean): void {
  const key = (requestId: string) => `${cdp.id()}:${requestId}`;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!/^https?:/.test(e.request.url)) return;
    into().set(key(e.requestId), {
      url: e.request.url,
      type: e.type ?? 'Other',
      parent: parentOf(e.initiator as Initiator),
      cached: false,
      fromWorker: false,
      byWorker,
      bytes: 0,
      done: false,
    });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const entry = into().get(key(e.requestId));
    if (entry) entry.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const entry = into().get(key(e.requestId));
    if (!entry) return;
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) entry.cached = true;
    if (e.response.fromServiceWorker) entry.fromWorker = true;
    entry.protocol = e.response.protocol;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const entry = into().get(key(e.requestId));
    if (entry) Object.assign(entry, { bytes: e.encodedDataLength, done: true });
  });
  cdp.on('Network.loadingFailed', (e) => {
    const entry = into().get(key(e.requestId));
    if (entry) entry.done = true;
  });
}

interface Initiator {
  type: string;
  url?: string;
  stack?: { callFrames: Array<{ url: string }>; parent?: Initiator['stack'] };
}

/**
 * Reports, from inside the page, the moment every podlet has rendered: each
 * `section[data-podlet]`'s custom element has a shadow root with text. Polled on a timer (Chromium
 * clamps it to ~4 ms), from the start of the document. A string, because tsx would wrap named
 * inner functions in a helper the page does not have.
 */
export const renderProbe = `(() => {
  const check = () => {
    if (document.readyState === 'loading') return false;
    const sections = [...document.querySelectorAll('section[data-podlet]')];
    if (sections.length === 0) return false;
    const ready = sections.every((s) => [...s.children].some((e) => e.localName.includes('-') && (e.shadowRoot?.textContent ?? '').trim().length > 0));
    if (ready) window.__benchRendered = { at: performance.now(), podlets: sections.length };
    return ready;
  };
  const poll = () => { if (!check()) setTimeout(poll, 1); };
  poll();
})();`;

function parentOf(initiator: Initiator): string | null {
  if (initiator.url) return initiator.url;
  for (let stack = initiator.stack; stack; stack = stack.parent) {
    const frame = stack.callFrames.find((f) => f.url);
    if (frame) return frame.url;
  }
  return null;
}

/**
 * Attaches a recorder to a tab: network emulation (`latencyMs`, 10 Mbit/s both ways) and the
 * render probe. Call `load(url)` for each navigation in that tab (or `reload()`); it resolves once
 * every podlet has rendered and the network has been quiet for 100 ms, the page's and `extra`'s
 * (a service worker's requests) alike.
 */
export async function attachRecorder(
  page: Page,
  latencyMs: number,
  extra?: NetworkSource,
): Promise<{
  load(url: string): Promise<LoadRecord>;
  reload(): Promise<LoadRecord>;
  setOffline(offline: boolean): Promise<void>;
  cdp: CDPSession;
}> {
  const cdp = await page.createCDPSession();
  await startNetwork(cdp, latencyMs);
  await page.evaluateOnNewDocument(renderProbe);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));

  let entries = new Map<string, Entry>();
  trackNetwork(cdp, () => entries, false);

  const load = (url: string) => measure(() => page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 }), url);
  const reload = () => measure(() => page.reload({ waitUntil: 'domcontentloaded', timeout: 30_000 }), page.url());

  async function measure(navigate: () => Promise<unknown>, url: string): Promise<LoadRecord> {
    entries = new Map();
    extra?.reset();
    problems.length = 0;
    const all = () => [...entries.values(), ...(extra?.entries() ?? [])];
    try {
      await navigate();
    } catch (error) {
      // Name what was still in flight: that is the request the page was waiting for.
      const pending = all()
        .filter((e) => !e.done)
        .map((e) => e.url);
      throw new Error(`${(error as Error).message}; still loading: ${pending.join(', ') || 'nothing'}`, { cause: error });
    }
    // A navigation that failed outright (offline, nothing to answer it) shows the browser's error page.
    if ((await page.evaluate(() => location.href).catch(() => '')).startsWith('chrome-error:'))
      throw new Error(`${url} did not load: the browser showed its error page`);
    try {
      await page.waitForFunction(() => (window as unknown as { __benchRendered?: unknown }).__benchRendered !== undefined, {
        timeout: 20_000,
        polling: 50,
      });
    } catch (error) {
      throw new Error(`${url} did not render: ${(error as Error).message}; ${problems.join('; ') || 'no errors in the page'}`, {
        cause: error,
      });
    }
    const rendered = await page.evaluate(() => {
      const r = (window as unknown as { __benchRendered: { at: number; podlets: number } }).__benchRendered;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const before = performance.getEntriesByType('resource').filter((e) => e.startTime <= r.at) as PerformanceResourceTiming[];
      return { ...r, ttfb: nav.responseStart, htmlDone: nav.responseEnd, lastResource: Math.max(0, ...before.map((e) => e.responseEnd)) };
    });
    // Let stragglers finish so bytes and requests are complete; bounded at 5 s.
    for (let quiet = 0, waited = 0; quiet < 100 && waited < 5000; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
      quiet = all().every((e) => e.done) ? quiet + 25 : 0;
    }
    const list = all();
    const network = list.filter((e) => !e.cached);
    const pageList = list.filter((e) => !e.byWorker);
    const pageNetwork = pageList.filter((e) => !e.cached);
    const isModule = (e: Entry) => /\.m?js$/.test(new URL(e.url).pathname) && !new URL(e.url).pathname.endsWith('-sw.js');
    return {
      renderedMs: rendered.at,
      podlets: rendered.podlets,
      requests: pageNetwork.length,
      cached: pageList.length - pageNetwork.length,
      fromWorker: pageList.filter((e) => e.fromWorker).length,
      workerRequests: network.length - pageNetwork.length,
      bytes: network.reduce((sum, e) => sum + e.bytes, 0),
      moduleBytes: network.filter(isModule).reduce((sum, e) => sum + e.bytes, 0),
      // With a worker the page's HTML arrives through its navigation preload (or its own fetch), on the worker's target.
      documentBytes: network.filter((e) => e.type === 'Document' || (e.byWorker && e.url === url)).reduce((sum, e) => sum + e.bytes, 0),
      scriptBytes: network.filter((e) => e.type === 'Script').reduce((sum, e) => sum + e.bytes, 0),
      origins: new Set(network.map((e) => new URL(e.url).origin)).size,
      ttfbMs: rendered.ttfb,
      htmlDoneMs: rendered.htmlDone,
      lastResourceMs: rendered.lastResource,
      ...longestChain(pageList),
      protocols: [...new Set(network.map((e) => e.protocol ?? '?'))].sort(),
      workerFetches: list
        .filter((e) => e.byWorker)
        .map((e) => `${e.url} ${e.cached ? '(cache)' : e.bytes === 0 && e.done ? '(failed)' : e.bytes}`),
    };
  }
  const setOffline = (offline: boolean) => setLinkOffline(cdp, latencyMs, offline);
  return { load, reload, setOffline, cdp };
}

/** Longest path of network requests through initiator links; cache hits add no depth. */
function longestChain(list: Entry[]): { chainDepth: number; chain: string[] } {
  const byUrl = new Map<string, Entry>();
  for (const e of list) if (!byUrl.has(e.url)) byUrl.set(e.url, e);
  const memo = new Map<Entry, { depth: number; path: string[] }>();
  const walk = (e: Entry, seen: Set<Entry>): { depth: number; path: string[] } => {
    const hit = memo.get(e);
    if (hit) return hit;
    seen.add(e);
    const parent = e.parent ? byUrl.get(e.parent) : undefined;
    const above = parent && !seen.has(parent) ? walk(parent, seen) : { depth: 0, path: [] };
    const result = { depth: above.depth + (e.cached ? 0 : 1), path: [...above.path, e.cached ? `(cached) ${e.url}` : e.url] };
    memo.set(e, result);
    return result;
  };
  let best = { depth: 0, path: [] as string[] };
  for (const e of list) {
    const r = walk(e, new Set());
    if (r.depth > best.depth) best = r;
  }
  return { chainDepth: best.depth, chain: best.path };
}
