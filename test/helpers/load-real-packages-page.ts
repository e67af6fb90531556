import type { Browser, BrowserContext, Page } from 'puppeteer-core';

/** What a load of a real-packages page showed, and what went wrong on the way. */
export interface RealPackagesLoad {
  context: BrowserContext;
  page: Page;
  /** The page's HTML as the layout sent it. */
  html: string;
  /** Each podlet element's `data-ok`: the text it renders when its packages work. */
  shown: Record<string, string | null>;
  /** Console errors and uncaught exceptions. */
  consoleErrors: string[];
  /** Requests that failed, or were answered with 400 or more. */
  failed: string[];
  /** Redirects the page followed. */
  redirects: string[];
  /** Every script request, in order, repeats included. */
  scripts: string[];
  /** Every response's URL. */
  responses: string[];
}

/**
 * Loads `url` in a new context of `browser` until the network is idle, waits until every podlet
 * element in `names` has set `data-ok` (20 s), and returns what each shows with everything that
 * went wrong. The caller closes `context`.
 */
export async function loadRealPackagesPage(browser: Browser, url: string, names: readonly string[]): Promise<RealPackagesLoad> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const load: RealPackagesLoad = {
    context,
    page,
    html: '',
    shown: {},
    consoleErrors: [],
    failed: [],
    redirects: [],
    scripts: [],
    responses: [],
  };
  page.on('console', (m) => void (m.type() === 'error' && load.consoleErrors.push(m.text())));
  page.on('pageerror', (e) => void load.consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => void load.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => void (load.responses.push(r.url()), r.status() >= 400 && load.failed.push(`${r.url()} ${r.status()}`)));
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.redirectResponse) load.redirects.push(`${e.redirectResponse.url} → ${e.request.url}`);
    if (e.type === 'Script') load.scripts.push(e.request.url);
  });
  load.html = (await (await page.goto(url, { waitUntil: 'networkidle0' }))?.text()) ?? '';
  const tags = [...names];
  await page.waitForFunction(
    (t: string[]) => t.every((n) => document.querySelector(n)?.getAttribute('data-ok')),
    { timeout: 20_000 },
    tags,
  );
  load.shown = await page.evaluate(
    (t: string[]) => Object.fromEntries(t.map((n) => [n, document.querySelector(n)!.getAttribute('data-ok')])),
    tags,
  );
  return load;
}
