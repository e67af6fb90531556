import type { Page } from 'puppeteer-core';
import { trackNetwork, type NetworkEntry } from './network-entries.ts';
import { startNetwork } from './network-emulation.ts';
import { collectProblems, settleLoad, waitForQuietNetwork } from './settle-load.ts';

/** One request of a page load, as CDP saw it. */
export interface RequestRecord {
  url: string;
  /** CDP resource type: Document, Script (module scripts and modulepreloads), … */
  type: string;
  status: number;
  mimeType: string;
  /** Answered by the HTTP or memory cache, not the network. */
  cached: boolean;
  /** CDP encodedDataLength at loadingFinished: bytes received, headers included. */
  bytes: number;
  /**
   * The (compressed) body alone: its Content-Length when the response has one; for the page's
   * document, the navigation timing's encodedBodySize; else encodedDataLength minus what had
   * arrived with the headers (responseReceived), else the sum of dataReceived (which Chromium
   * reports as 0 over HTTP/2).
   */
  bodyBytes: number;
  contentEncoding: string;
  protocol: string;
}

/** What one page load cost, for pages whose podlets mark themselves done with `data-ok`. */
export interface OkLoadRecord {
  /** performance.now() when every `section[data-podlet]` held an element with a non-empty data-ok. */
  renderedMs: number;
  /** Podlet name → its data-ok text, at that moment. */
  ok: Record<string, string>;
  /** From the page's navigation timing: first and last byte of the HTML. */
  ttfbMs: number;
  htmlDoneMs: number;
  requests: RequestRecord[];
  /** Console errors, page errors, failed requests and HTTP errors ≥ 400. */
  problems: string[];
}

/**
 * Reports, from inside the page, the moment every podlet has marked itself done: each
 * `section[data-podlet]` holds an element with a non-empty `data-ok` (what the real-packages test
 * waits for). Polled on a timer from the start of the document, like record-page-load.ts's probe;
 * a string for the same reason (tsx would wrap named inner functions in a helper).
 */
const okProbe = `(() => {
  const check = () => {
    if (document.readyState === 'loading') return false;
    const sections = [...document.querySelectorAll('section[data-podlet]')];
    if (sections.length === 0) return false;
    const marks = sections.map((s) => [s.dataset.podlet, s.querySelector('[data-ok]')?.getAttribute('data-ok') ?? '']);
    const ready = marks.every(([, ok]) => ok.length > 0);
    if (ready) window.__benchOk = { at: performance.now(), ok: Object.fromEntries(marks) };
    return ready;
  };
  const poll = () => { if (!check()) setTimeout(poll, 1); };
  poll();
})();`;

/**
 * Attaches to a tab the same network emulation as record-page-load.ts (startNetwork: `latencyMs`,
 * 10 Mbit/s both ways, cache on; no emulation at all at 0 ms, which stalls cold loads) and the
 * data-ok probe, and records every request with its URL. Call `load(url)` for each navigation in
 * that tab; it resolves once every podlet is done and the network has been quiet for 100 ms
 * (bounded at 5 s), so bytes and requests are complete.
 */
export async function attachRequestRecorder(page: Page, latencyMs: number): Promise<{ load(url: string): Promise<OkLoadRecord> }> {
  const cdp = await page.createCDPSession();
  let entries = new Map<string, NetworkEntry>();
  trackNetwork(cdp, () => entries, false);
  await startNetwork(cdp, latencyMs);
  await page.evaluateOnNewDocument(okProbe);
  const problems = collectProblems(page);
  const load = async (url: string): Promise<OkLoadRecord> => {
    entries = new Map();
    problems.length = 0;
    const all = () => [...entries.values()];
    const navigate = () => page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await settleLoad(page, { navigate, url, flag: '__benchOk', entries: all, problems });
    const done = await page.evaluate(() => {
      const r = (window as unknown as { __benchOk: { at: number; ok: Record<string, string> } }).__benchOk;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { ...r, ttfb: nav.responseStart, htmlDone: nav.responseEnd, htmlBody: nav.encodedBodySize };
    });
    await waitForQuietNetwork(all);
    // A streamed document has no Content-Length; the page's own timing knows its body size.
    const document = all().find((e) => e.type === 'Document' && !e.cached);
    if (document && document.contentLength === null && done.htmlBody > 0) document.bodyBytes = done.htmlBody;
    const httpErrors = all()
      .filter((e) => e.status >= 400)
      .map((e) => `${e.url} ${e.status}`);
    return {
      renderedMs: done.at,
      ok: done.ok,
      ttfbMs: done.ttfb,
      htmlDoneMs: done.htmlDone,
      requests: all().map(recordOf),
      problems: [...problems, ...httpErrors],
    };
  };
  return { load };
}

function recordOf(e: NetworkEntry): RequestRecord {
  const { url, type, status, mimeType, cached, bytes, bodyBytes, contentEncoding } = e;
  return { url, type, status, mimeType, cached, bytes, bodyBytes, contentEncoding, protocol: e.protocol ?? '?' };
}
