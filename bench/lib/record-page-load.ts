import type { CDPSession, Page } from 'puppeteer-core';

/** What one page load cost, as the browser saw it. */
export interface LoadRecord {
  /** performance.now() (ms since navigation start) when every podlet element had rendered. */
  renderedMs: number;
  /** Podlet elements that rendered (home 5, search 4). */
  podlets: number;
  /** Requests that went to the network (not answered by the HTTP or memory cache). */
  requests: number;
  /** Requests answered from a cache. */
  cached: number;
  /** Bytes received from the network: CDP encodedDataLength, headers included. */
  bytes: number;
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
}

interface Entry {
  url: string;
  type: string;
  parent: string | null;
  cached: boolean;
  bytes: number;
  done: boolean;
  protocol?: string;
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
const renderProbe = `(() => {
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
 * render probe. Call `load(url)` for each navigation in that tab; it resolves once every podlet
 * has rendered and the network has been quiet for 100 ms.
 */
export async function attachRecorder(page: Page, latencyMs: number): Promise<{ load(url: string): Promise<LoadRecord>; cdp: CDPSession }> {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  const throughput = (10 * 1000 * 1000) / 8;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: latencyMs,
    downloadThroughput: throughput,
    uploadThroughput: throughput,
  });
  await page.evaluateOnNewDocument(renderProbe);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));

  let entries = new Map<string, Entry>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!/^https?:/.test(e.request.url)) return;
    entries.set(e.requestId, {
      url: e.request.url,
      type: e.type ?? 'Other',
      parent: parentOf(e.initiator as Initiator),
      cached: false,
      bytes: 0,
      done: false,
    });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const entry = entries.get(e.requestId);
    if (entry) entry.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const entry = entries.get(e.requestId);
    if (!entry) return;
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) entry.cached = true;
    entry.protocol = e.response.protocol;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const entry = entries.get(e.requestId);
    if (entry) Object.assign(entry, { bytes: e.encodedDataLength, done: true });
  });
  cdp.on('Network.loadingFailed', (e) => {
    const entry = entries.get(e.requestId);
    if (entry) entry.done = true;
  });

  async function load(url: string): Promise<LoadRecord> {
    entries = new Map();
    problems.length = 0;
    try {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    } catch (error) {
      // Name what was still in flight: that is the request the page was waiting for.
      const pending = [...entries.values()].filter((e) => !e.done).map((e) => e.url);
      throw new Error(`${(error as Error).message}; still loading: ${pending.join(', ') || 'nothing'}`, { cause: error });
    }
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
      quiet = [...entries.values()].every((e) => e.done) ? quiet + 25 : 0;
    }
    const list = [...entries.values()];
    const network = list.filter((e) => !e.cached);
    return {
      renderedMs: rendered.at,
      podlets: rendered.podlets,
      requests: network.length,
      cached: list.length - network.length,
      bytes: network.reduce((sum, e) => sum + e.bytes, 0),
      documentBytes: network.filter((e) => e.type === 'Document').reduce((sum, e) => sum + e.bytes, 0),
      scriptBytes: network.filter((e) => e.type === 'Script').reduce((sum, e) => sum + e.bytes, 0),
      origins: new Set(network.map((e) => new URL(e.url).origin)).size,
      ttfbMs: rendered.ttfb,
      htmlDoneMs: rendered.htmlDone,
      lastResourceMs: rendered.lastResource,
      ...longestChain(list),
      protocols: [...new Set(network.map((e) => e.protocol ?? '?'))].sort(),
    };
  }
  return { load, cdp };
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
