import type { Page } from 'puppeteer-core';

/**
 * What a person sees of one load, from inside the page, in ms since navigation start (Chromium
 * and Firefox alike). `undefined` where the browser gives no such figure (LCP in a Firefox
 * without it) or the moment never came before it was read (a podlet never defined): never an
 * estimate.
 */
export interface SeenTimes {
  /** First contentful paint: the `paint` entry named first-contentful-paint. */
  fcpMs?: number;
  /** Largest contentful paint: the last `largest-contentful-paint` entry when read. */
  lcpMs?: number;
  /** Every podlet's shadow root has text, server-rendered or not: the latest of their first moments. */
  contentMs?: number;
  /** Every podlet's custom element is defined (:defined) and its shadow root has text: the latest of their first moments. */
  interactiveMs?: number;
}

/**
 * The probe a measured tab runs before any of its own content (evaluateOnNewDocument). A string,
 * because tsx would wrap named inner functions in a helper the page does not have. Sets:
 *
 * - `__benchRendered` `{ at, podlets }`: bench:page's "rendered", as before: the first poll after
 *   the document was parsed at which every `section[data-podlet]`'s custom element has a shadow
 *   root with text.
 * - `__benchSeen` `{ content?, interactive? }`: per section, the first poll that saw its element's
 *   shadow root with text (content), and the first that saw that element :defined too
 *   (interactive); each figure is the latest over the sections, set once the document is parsed
 *   (only then are all sections known), each on its own (an element never defined leaves
 *   interactive unset and the polling going). A server-rendered (declarative) shadow root counts for
 *   content as soon as it is there, but for interactive only once its element is upgraded. Polled
 *   on a timer (Chromium clamps it to ~4 ms), so a moment is the poll that saw it, not its paint.
 * - `__benchPaint` `{ fcp, lcp, lcpSupported }`: from PerformanceObservers (buffered) on `paint`
 *   and, where the browser has it, `largest-contentful-paint` (its last candidate).
 */
export const pageProbe = `(() => {
  const paint = (window.__benchPaint = { lcpSupported: PerformanceObserver.supportedEntryTypes.includes('largest-contentful-paint') });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') paint.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  if (paint.lcpSupported)
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) paint.lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  const seen = (window.__benchSeen = {});
  const content = new Map();
  const interactive = new Map();
  const elementOf = (s) => [...s.children].find((e) => e.localName.includes('-') && (e.shadowRoot?.textContent ?? '').trim().length > 0);
  const latest = (stamps, sections) => (sections.every((s) => stamps.has(s)) ? Math.max(...sections.map((s) => stamps.get(s))) : undefined);
  const check = () => {
    const now = performance.now();
    const sections = [...document.querySelectorAll('section[data-podlet]')];
    for (const s of sections) {
      const element = elementOf(s);
      if (element && !content.has(s)) content.set(s, now);
      if (element && element.matches(':defined') && !interactive.has(s)) interactive.set(s, now);
    }
    if (document.readyState === 'loading' || sections.length === 0) return false;
    if (window.__benchRendered === undefined && sections.every((s) => elementOf(s)))
      window.__benchRendered = { at: now, podlets: sections.length };
    // Each figure on its own: a podlet never upgraded leaves interactive unset, not content.
    seen.content ??= latest(content, sections);
    seen.interactive ??= latest(interactive, sections);
    return window.__benchRendered !== undefined && seen.content !== undefined && seen.interactive !== undefined;
  };
  const poll = () => { if (!check()) setTimeout(poll, 1); };
  poll();
})();`;

/** Reads what the probe saw in `page` (call it after the page rendered; LCP may still grow until then). */
export async function readSeenTimes(page: Page): Promise<SeenTimes> {
  const seen = await page.evaluate(() => {
    const w = window as unknown as {
      __benchPaint?: { fcp?: number; lcp?: number };
      __benchSeen?: { content?: number; interactive?: number };
    };
    return {
      fcpMs: w.__benchPaint?.fcp,
      lcpMs: w.__benchPaint?.lcp,
      contentMs: w.__benchSeen?.content,
      interactiveMs: w.__benchSeen?.interactive,
    };
  });
  // page.evaluate turns undefined into a missing key or null depending on the protocol: keep numbers only.
  return Object.fromEntries(Object.entries(seen).filter(([, v]) => typeof v === 'number')) as SeenTimes;
}
