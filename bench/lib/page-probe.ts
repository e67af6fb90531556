import type { Page } from 'puppeteer-core';

/**
 * How a podlet's element came to show its content, as the probe saw its shadow root when the
 * element became interactive: 'hydrated' (lit's server markers, `lit-part`, and none of a browser
 * render's, `?lit$`), 'rendered' (a browser render's markers only), 'server' (ssr-only: never
 * defined, its server-rendered shadow root all there is), or 'mixed' (anything else: both kinds of
 * markers, or neither).
 */
export type ShownBy = 'hydrated' | 'rendered' | 'server' | 'mixed';

/** One podlet of one load: when its content showed, when it became interactive, and how. */
export interface PodletSeen {
  contentMs?: number;
  interactiveMs?: number;
  shownBy?: ShownBy;
}

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
  /**
   * Content on screen: the later of contentMs and FCP. Content in the DOM is not painted before the
   * page's first paint (which waits for render-blocking stylesheets), and is in the next frame after.
   */
  shownMs?: number;
  /** Every podlet is interactive (see pageProbe): the latest of their first moments. */
  interactiveMs?: number;
  /** The same per podlet (section `data-podlet`), with how each showed its content. */
  podletsSeen?: Record<string, PodletSeen>;
}

/**
 * The probe a measured tab runs before any of its own content (evaluateOnNewDocument). A string,
 * because tsx would wrap named inner functions in a helper the page does not have. `serverOnly`
 * names the page's 'ssr-only' podlets: their elements are never defined (the page loads none of
 * their modules), so their server-rendered shadow root is all there is to wait for. Sets:
 *
 * - `__benchRendered` `{ at, podlets }`: bench:page's "rendered", as before: the first poll after
 *   the document was parsed at which every `section[data-podlet]`'s custom element has a shadow
 *   root with text. A server-rendered (declarative) shadow root counts as soon as it is parsed.
 * - `__benchSeen` `{ content?, interactive?, podlets }`: per section, the first poll that saw its
 *   element's shadow root with text (content), and the first that saw it interactive: defined and
 *   past its first update (lit's `hasUpdated`: rendered in the browser, or hydrated with its
 *   listeners bound), or, for a `serverOnly` podlet, its content there. At that poll it notes how
 *   the shadow root came to be (ShownBy). Each figure is the latest over the sections, set once the
 *   document is parsed (only then are all sections known), each on its own (an element never
 *   defined leaves interactive unset and the polling going). Polled on a timer (Chromium clamps it
 *   to ~4 ms), so a moment is the poll that saw it, not its paint.
 * - `__benchPaint` `{ fcp, lcp, lcpSupported }`: from PerformanceObservers (buffered) on `paint`
 *   and, where the browser has it, `largest-contentful-paint` (its last candidate).
 */
export function pageProbe(serverOnly: readonly string[]): string {
  return `(() => {
  const serverOnly = ${JSON.stringify(serverOnly)};
  const paint = (window.__benchPaint = { lcpSupported: PerformanceObserver.supportedEntryTypes.includes('largest-contentful-paint') });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') paint.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  if (paint.lcpSupported)
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) paint.lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  const seen = (window.__benchSeen = { podlets: {} });
  const elementOf = (s) => [...s.children].find((e) => e.localName.includes('-') && (e.shadowRoot?.textContent ?? '').trim().length > 0);
  const shownBy = (s, e) => {
    if (serverOnly.includes(s.dataset.podlet)) return customElements.get(e.localName) ? 'mixed' : 'server';
    const html = e.shadowRoot.innerHTML;
    const [server, browser] = [html.includes('<!--lit-part'), html.includes('<!--?lit$')];
    return server && !browser ? 'hydrated' : browser && !server ? 'rendered' : 'mixed';
  };
  const ready = (s, e) => serverOnly.includes(s.dataset.podlet) || (e.matches(':defined') && e.hasUpdated === true);
  const latest = (sections, key) => {
    const stamps = sections.map((s) => seen.podlets[s.dataset.podlet]?.[key]);
    return stamps.every((t) => t !== undefined) ? Math.max(...stamps) : undefined;
  };
  const check = () => {
    const now = performance.now();
    const sections = [...document.querySelectorAll('section[data-podlet]')];
    for (const s of sections) {
      const element = elementOf(s);
      const podlet = (seen.podlets[s.dataset.podlet] ??= {});
      if (element && podlet.contentMs === undefined) podlet.contentMs = now;
      if (element && podlet.interactiveMs === undefined && ready(s, element)) {
        podlet.interactiveMs = now;
        podlet.shownBy = shownBy(s, element);
      }
    }
    if (document.readyState === 'loading' || sections.length === 0) return false;
    if (window.__benchRendered === undefined && sections.every((s) => elementOf(s)))
      window.__benchRendered = { at: now, podlets: sections.length };
    // Each figure on its own: a podlet never upgraded leaves interactive unset, not content.
    seen.content ??= latest(sections, 'contentMs');
    seen.interactive ??= latest(sections, 'interactiveMs');
    return window.__benchRendered !== undefined && seen.content !== undefined && seen.interactive !== undefined;
  };
  const poll = () => { if (!check()) setTimeout(poll, 1); };
  poll();
})();`;
}

/**
 * Reads what the probe saw in `page` (call it after the page rendered; LCP may still grow until
 * then). Waits up to `waitMs` for every podlet to be interactive first: a hydrating page shows its
 * content before its modules have loaded, and may still be hydrating when the network goes quiet.
 */
export async function readSeenTimes(page: Page, waitMs = 10_000): Promise<SeenTimes> {
  await page
    .waitForFunction(() => (window as unknown as { __benchSeen?: { interactive?: number } }).__benchSeen?.interactive !== undefined, {
      timeout: waitMs,
      polling: 50,
    })
    .catch(() => {}); // never interactive: reported as missing by the caller
  const seen = await page.evaluate(() => {
    const w = window as unknown as {
      __benchPaint?: { fcp?: number; lcp?: number };
      __benchSeen?: { content?: number; interactive?: number; podlets?: Record<string, PodletSeen> };
    };
    return {
      fcpMs: w.__benchPaint?.fcp,
      lcpMs: w.__benchPaint?.lcp,
      contentMs: w.__benchSeen?.content,
      interactiveMs: w.__benchSeen?.interactive,
      podletsSeen: w.__benchSeen?.podlets,
    };
  });
  // page.evaluate turns undefined into a missing key or null depending on the protocol: keep numbers only.
  const times = Object.fromEntries(Object.entries(seen).filter(([, v]) => typeof v === 'number')) as SeenTimes;
  if (times.contentMs !== undefined && times.fcpMs !== undefined) times.shownMs = Math.max(times.contentMs, times.fcpMs);
  const podlets = Object.entries(seen.podletsSeen ?? {}).map(([name, p]) => [
    name,
    Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null && v !== undefined)) as PodletSeen,
  ]);
  return { ...times, podletsSeen: Object.fromEntries(podlets) as Record<string, PodletSeen> };
}

/** The podlets of `modes` that render on the server only: the probe's `serverOnly`. */
export function serverOnlyOf(modes: Record<string, string>): string[] {
  return Object.entries(modes)
    .filter(([, mode]) => mode === 'ssr-only')
    .map(([name]) => name);
}

const expectedShownBy: Record<string, ShownBy> = { client: 'rendered', hydrate: 'hydrated', 'ssr-only': 'server' };

/**
 * What went otherwise than each podlet's render mode says, one line each ([] when nothing did): a
 * 'hydrate' podlet must have been hydrated (not rendered again in the browser), a 'client' one
 * rendered in the browser, an 'ssr-only' one never defined. So a hydrating variant cannot pass for
 * one while its podlets rendered in the browser, nor the other way round.
 */
export function renderProblems(seen: SeenTimes, modes: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, podlet] of Object.entries(seen.podletsSeen ?? {})) {
    const expected = expectedShownBy[modes[name] ?? 'client'];
    if (podlet.shownBy !== undefined && podlet.shownBy !== expected)
      problems.push(`${name} (${modes[name] ?? 'client'}) was ${podlet.shownBy}, expected ${expected}`);
  }
  return problems;
}
