import type { CDPSession, Page } from 'puppeteer-core';
import { trackNetwork, type NetworkEntry, type NetworkSource } from './network-entries.ts';
import { setOffline as setLinkOffline, startNetwork } from './network-emulation.ts';
import { pageProbe, readSeenTimes, type SeenTimes } from './page-probe.ts';
import { collectProblems, settleLoad, waitForQuietNetwork } from './settle-load.ts';

/** What one page load cost, as the browser saw it; and what a person saw of it (SeenTimes: FCP, LCP, content, interactive). */
export interface LoadRecord extends SeenTimes {
  /** performance.now() (ms since navigation start) when every podlet element had rendered (page-probe.ts). */
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
  /** Each JavaScript module counted in `moduleBytes`, one per network response (bench/lib/page-modules.ts breaks them down). */
  modules?: ModuleResponse[];
}

/** One module response from the network: CDP's encodedDataLength (`bytes`), its body as sent and as decoded; headers are bytes − body. */
export interface ModuleResponse {
  url: string;
  bytes: number;
  bodyBytes: number;
  decodedBytes: number;
  encoding: string;
}

/**
 * Attaches a recorder to a tab: network emulation (`latencyMs`, 10 Mbit/s both ways; none at
 * 0 ms) and the page probe (page-probe.ts; `serverOnly`: the page's 'ssr-only' podlets). Call `load(url)` for each navigation in that tab (or `reload()`); it
 * resolves once every podlet has rendered and the network has been quiet for 100 ms, the page's and
 * `extra`'s (a service worker's requests) alike.
 */
export async function attachRecorder(
  page: Page,
  latencyMs: number,
  extra?: NetworkSource,
  serverOnly: readonly string[] = [],
): Promise<{
  load(url: string): Promise<LoadRecord>;
  reload(): Promise<LoadRecord>;
  setOffline(offline: boolean): Promise<void>;
  cdp: CDPSession;
}> {
  const cdp = await page.createCDPSession();
  let entries = new Map<string, NetworkEntry>();
  trackNetwork(cdp, () => entries, false);
  await startNetwork(cdp, latencyMs);
  await page.evaluateOnNewDocument(pageProbe(serverOnly));
  const problems = collectProblems(page);
  const measure = async (navigate: () => Promise<unknown>, url: string): Promise<LoadRecord> => {
    entries = new Map();
    extra?.reset();
    problems.length = 0;
    const all = () => [...entries.values(), ...(extra?.entries() ?? [])];
    await settleLoad(page, { navigate, url, flag: '__benchRendered', entries: all, problems });
    const rendered = await page.evaluate(() => {
      const r = (window as unknown as { __benchRendered: { at: number; podlets: number } }).__benchRendered;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const before = performance.getEntriesByType('resource').filter((e) => e.startTime <= r.at) as PerformanceResourceTiming[];
      return { ...r, ttfb: nav.responseStart, htmlDone: nav.responseEnd, lastResource: Math.max(0, ...before.map((e) => e.responseEnd)) };
    });
    await waitForQuietNetwork(all);
    // After render and the stragglers: LCP's last candidate by then.
    return { ...figuresOf(all(), url, rendered), ...(await readSeenTimes(page)) };
  };
  return {
    load: (url) => measure(() => page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 }), url),
    reload: () => measure(() => page.reload({ waitUntil: 'domcontentloaded', timeout: 30_000 }), page.url()),
    setOffline: (offline) => setLinkOffline(cdp, latencyMs, offline),
    cdp,
  };
}

/** A load's figures from its requests (the page's and its worker's) and the page's own timing. */
function figuresOf(
  list: NetworkEntry[],
  url: string,
  rendered: { at: number; podlets: number; ttfb: number; htmlDone: number; lastResource: number },
): LoadRecord {
  const network = list.filter((e) => !e.cached);
  const pageList = list.filter((e) => !e.byWorker);
  const pageNetwork = pageList.filter((e) => !e.cached);
  const isModule = (e: NetworkEntry) => /\.m?js$/.test(new URL(e.url).pathname) && !new URL(e.url).pathname.endsWith('-sw.js');
  const sum = (entries: NetworkEntry[]) => entries.reduce((total, e) => total + e.bytes, 0);
  return {
    renderedMs: rendered.at,
    podlets: rendered.podlets,
    requests: pageNetwork.length,
    cached: pageList.length - pageNetwork.length,
    fromWorker: pageList.filter((e) => e.fromWorker).length,
    workerRequests: network.length - pageNetwork.length,
    bytes: sum(network),
    moduleBytes: sum(network.filter(isModule)),
    modules: network
      .filter(isModule)
      .map((e) => ({ url: e.url, bytes: e.bytes, bodyBytes: e.bodyBytes, decodedBytes: e.decodedBytes, encoding: e.contentEncoding })),
    // With a worker the page's HTML arrives through its navigation preload (or its own fetch), on the worker's target.
    documentBytes: sum(network.filter((e) => e.type === 'Document' || (e.byWorker && e.url === url))),
    scriptBytes: sum(network.filter((e) => e.type === 'Script')),
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

/** Longest path of network requests through initiator links; cache hits add no depth. */
function longestChain(list: NetworkEntry[]): { chainDepth: number; chain: string[] } {
  const byUrl = new Map<string, NetworkEntry>();
  for (const e of list) if (!byUrl.has(e.url)) byUrl.set(e.url, e);
  const memo = new Map<NetworkEntry, { depth: number; path: string[] }>();
  const walk = (e: NetworkEntry, seen: Set<NetworkEntry>): { depth: number; path: string[] } => {
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
