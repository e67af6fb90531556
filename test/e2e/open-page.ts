// Opens a page in Chromium and records what a developer would look at in DevTools: console
// errors, failed requests, CSP violations, and every request by URL (through CDP, so requests
// that es-module-shims makes with fetch() count as well as the browser's own).
import type { Browser, Page } from 'puppeteer-core';
import { podletsReady, serverOnlyElements } from '../helpers/demo-elements.ts';

export interface OpenedPage {
  page: Page;
  consoleErrors: string[];
  consoleWarnings: string[];
  failed: string[];
  /** `securitypolicyviolation` events in the page: "<directive> <blocked URI>". */
  cspViolations: string[];
  requests: Array<{ url: string; type: string }>;
  /** URLs requested more than once (data: and blob: URLs are not requests on the wire). */
  duplicates(): string[];
}

/** Opens `url` in a fresh browser context (a cold cache) and waits for the network to go idle. */
export async function openPage(
  browser: Browser,
  url: string,
  options: {
    cookies?: Array<{ name: string; value: string }>;
    /** Rewrites the HTML of the page itself, keeping its headers: an injection, as XSS would make one. */
    rewriteDocument?: (html: string) => string;
  } = {},
): Promise<OpenedPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const result: OpenedPage = {
    page,
    consoleErrors: [],
    consoleWarnings: [],
    failed: [],
    cspViolations: [],
    requests: [],
    duplicates() {
      const counts = new Map<string, number>();
      for (const r of this.requests) if (/^https?:/.test(r.url)) counts.set(r.url, (counts.get(r.url) ?? 0) + 1);
      return [...counts].filter(([, n]) => n > 1).map(([u, n]) => `${u} ×${n}`);
    },
  };
  page.on('console', (m) => {
    if (m.type() === 'error') result.consoleErrors.push(m.text());
    if (m.type() === 'warn') result.consoleWarnings.push(m.text());
  });
  page.on('pageerror', (e) => result.consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => result.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  // Bindings and scripts added through CDP are not subject to the page's CSP.
  await page.exposeFunction('__podmapCspViolation', (line: string) => void result.cspViolations.push(line));
  await page.evaluateOnNewDocument(() => {
    addEventListener('securitypolicyviolation', (e) => {
      (globalThis as unknown as { __podmapCspViolation(line: string): void }).__podmapCspViolation(
        `${e.effectiveDirective} ${e.blockedURI}`,
      );
    });
  });
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const seen = new Set<string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    const key = `${e.requestId} ${e.request.url}`;
    if (seen.has(key)) return;
    seen.add(key);
    result.requests.push({ url: e.request.url, type: e.type ?? 'Other' });
  });
  const rewrite = options.rewriteDocument;
  if (rewrite) {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() !== url) return void request.continue();
      void fetch(url).then(async (response) =>
        request.respond({ status: response.status, headers: Object.fromEntries(response.headers), body: rewrite(await response.text()) }),
      );
    });
  }
  if (options.cookies) await context.setCookie(...options.cookies.map((c) => ({ ...c, domain: new URL(url).hostname, path: '/' })));
  await page.goto(url, { waitUntil: 'networkidle0' });
  return result;
}

/** Waits until each custom element has rendered its shadow DOM, and returns its text. */
export async function rendered(page: Page, tags: string[]): Promise<Record<string, string>> {
  await page.waitForFunction(podletsReady, { timeout: 10_000 }, tags, serverOnlyElements);
  return page.evaluate(
    (names: string[]) =>
      Object.fromEntries(names.map((n) => [n, document.querySelector(n)!.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim()])),
    tags,
  );
}

/** Types `user` and a password into the auth podlet's sign-in form (in its shadow root) and submits it. */
export async function submitSignIn(page: Page, user: string): Promise<void> {
  const auth = await page.waitForSelector('podlet-auth');
  await (await auth!.waitForSelector('pierce/#user'))!.type(user);
  await (await auth!.$('pierce/#password'))!.type('secret');
  await (await auth!.$('pierce/button[type=submit]'))!.click();
}

/** Signs `user` in on the auth podlet and waits until the header, through the shared session module, says so. */
export async function signIn(page: Page, user: string): Promise<void> {
  await submitSignIn(page, user);
  await page.waitForFunction(
    (u: string) => document.querySelector('podlet-header')?.shadowRoot?.textContent?.includes(`Signed in as ${u}`) ?? false,
    { timeout: 5000 },
    user,
  );
}
