import type { Page } from 'puppeteer-core';
import { startNetwork } from './network-emulation.ts';

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
 * 10 Mbit/s both ways, cache on; no emulation at all at 0 ms, which stalls cold loads) and the data-ok probe, and records every request with its URL. Call
 * `load(url)` for each navigation in that tab; it resolves once every podlet is done and the
 * network has been quiet for 100 ms (bounded at 5 s), so bytes and requests are complete.
 */
export async function attachRequestRecorder(page: Page, latencyMs: number): Promise<{ load(url: string): Promise<OkLoadRecord> }> {
  const cdp = await page.createCDPSession();
  await startNetwork(cdp, latencyMs);
  await page.evaluateOnNewDocument(okProbe);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));

  type Entry = RequestRecord & { done: boolean; headerBytes: number; contentLength: number | null; dataBytes: number };
  let entries = new Map<string, Entry>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!/^https?:/.test(e.request.url)) return;
    entries.set(e.requestId, {
      url: e.request.url,
      type: e.type ?? 'Other',
      status: 0,
      mimeType: '',
      cached: false,
      bytes: 0,
      bodyBytes: 0,
      contentEncoding: '',
      protocol: '?',
      done: false,
      headerBytes: 0,
      contentLength: null,
      dataBytes: 0,
    });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const entry = entries.get(e.requestId);
    if (entry) entry.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const entry = entries.get(e.requestId);
    if (!entry) return;
    const r = e.response;
    if (r.fromDiskCache || r.fromPrefetchCache || r.fromServiceWorker) entry.cached = true;
    entry.status = r.status;
    entry.mimeType = r.mimeType;
    entry.protocol = r.protocol ?? '?';
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    entry.contentEncoding = headers['content-encoding'] ?? '';
    entry.headerBytes = r.encodedDataLength;
    entry.contentLength = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
    if (r.status >= 400) problems.push(`${entry.url} ${r.status}`);
  });
  cdp.on('Network.dataReceived', (e) => {
    const entry = entries.get(e.requestId);
    if (entry) entry.dataBytes += e.encodedDataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const entry = entries.get(e.requestId);
    if (!entry) return;
    entry.bytes = e.encodedDataLength;
    entry.done = true;
    const afterHeaders = e.encodedDataLength - entry.headerBytes;
    entry.bodyBytes = entry.contentLength ?? (entry.headerBytes > 0 && afterHeaders > 0 ? afterHeaders : entry.dataBytes);
  });
  cdp.on('Network.loadingFailed', (e) => {
    const entry = entries.get(e.requestId);
    if (entry) entry.done = true;
  });

  async function load(url: string): Promise<OkLoadRecord> {
    entries = new Map();
    problems.length = 0;
    try {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    } catch (error) {
      const pending = [...entries.values()].filter((e) => !e.done).map((e) => e.url);
      throw new Error(`${(error as Error).message}; still loading: ${pending.join(', ') || 'nothing'}`, { cause: error });
    }
    try {
      await page.waitForFunction(() => (window as unknown as { __benchOk?: unknown }).__benchOk !== undefined, {
        timeout: 20_000,
        polling: 50,
      });
    } catch (error) {
      throw new Error(`${url} did not render: ${(error as Error).message}; ${problems.join('; ') || 'no errors in the page'}`, {
        cause: error,
      });
    }
    const done = await page.evaluate(() => {
      const r = (window as unknown as { __benchOk: { at: number; ok: Record<string, string> } }).__benchOk;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { ...r, ttfb: nav.responseStart, htmlDone: nav.responseEnd, htmlBody: nav.encodedBodySize };
    });
    for (let quiet = 0, waited = 0; quiet < 100 && waited < 5000; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
      quiet = [...entries.values()].every((e) => e.done) ? quiet + 25 : 0;
    }
    // A streamed document has no Content-Length; the page's own timing knows its body size.
    const document = [...entries.values()].find((e) => e.type === 'Document' && !e.cached);
    if (document && document.contentLength === null && done.htmlBody > 0) document.bodyBytes = done.htmlBody;
    return {
      renderedMs: done.at,
      ok: done.ok,
      ttfbMs: done.ttfb,
      htmlDoneMs: done.htmlDone,
      requests: [...entries.values()].map(({ done: _d, headerBytes: _h, contentLength: _c, dataBytes: _b, ...r }) => r),
      problems: [...problems],
    };
  }
  return { load };
}
