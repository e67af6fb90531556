import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../helpers/chromium.ts';
import { startInProcessDemo, type InProcessDemo } from '../helpers/demo-in-process.ts';

// State shared by contract in the demo (issue 14): the session from the server on first paint,
// and the chosen location in a store that geo writes and search reads, across pages of a tab.

let demo: InProcessDemo;
let browser: Browser;
before(async () => {
  demo = await startInProcessDemo({ serviceWorker: false });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

/** Records the header's text when it first renders (lit's firstUpdated), before anything else can change it. */
function recordHeaderFirstPaint(page: Page) {
  return page.evaluateOnNewDocument(() => {
    const define = CustomElementRegistry.prototype.define;
    CustomElementRegistry.prototype.define = function (name, element, options) {
      if (name === 'podlet-header') {
        const proto = element.prototype as { firstUpdated?: (...args: unknown[]) => void; shadowRoot: ShadowRoot | null };
        const first = proto.firstUpdated;
        proto.firstUpdated = function (this: typeof proto, ...args: unknown[]) {
          (window as unknown as { headerFirstPaint?: string }).headerFirstPaint = this.shadowRoot?.textContent ?? '';
          return first?.apply(this, args);
        };
      }
      return define.call(this, name, element, options);
    };
  });
}

test('backend state - a user the layout knows from its cookie - is in the header on first paint, with no sign-in and no bus message from auth', async () => {
  const page = await (await browser.createBrowserContext()).newPage();
  try {
    await recordHeaderFirstPaint(page);
    const name = "Åse O'Brien";
    await page.setCookie({ name: 'podmap-demo-user', value: encodeURIComponent(name), url: demo.layoutUrl });
    const response = await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
    const html = await response!.text();
    // The state travelled as a data block stamped with the page's CSP nonce, before auth's section.
    const nonce = /'nonce-([^']+)'/.exec(response!.headers()['content-security-policy']!)![1]!;
    assert.match(html, new RegExp(`<script type="application/json" data-podmap-state="auth" nonce="${nonce.replace(/[+/=]/g, '\\$&')}">`));
    await page.waitForFunction(() => (window as unknown as { headerFirstPaint?: string }).headerFirstPaint !== undefined);
    assert.match(
      await page.evaluate(() => (window as unknown as { headerFirstPaint: string }).headerFirstPaint),
      /Signed in as Åse O'Brien/,
    );
  } finally {
    await page.close();
  }
});

test('backend state - a cookie holding markup - is not forwarded, and nothing of it reaches the page (security)', async () => {
  const page = await (await browser.createBrowserContext()).newPage();
  try {
    await page.setCookie({
      name: 'podmap-demo-user',
      value: encodeURIComponent('</script><script>window.pwned=1</script>'),
      url: demo.layoutUrl,
    });
    const response = await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
    const html = await response!.text();
    assert.doesNotMatch(html, /pwned/);
    await page.waitForFunction(() => (document.querySelector('podlet-header')?.shadowRoot?.textContent ?? '').includes('Not signed in'));
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  } finally {
    await page.close();
  }
});

test('stores - the location chosen in geo on home - is where search starts from on the next page of the tab', async () => {
  const page = await (await browser.createBrowserContext()).newPage();
  try {
    await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => document.querySelector('podlet-geo')?.shadowRoot?.querySelector('select'));
    await page.evaluate(() => {
      const select = document.querySelector('podlet-geo')!.shadowRoot!.querySelector('select')!;
      select.selectedIndex = 3; // Kyoto
      select.dispatchEvent(new Event('change'));
    });
    await page.goto(new URL('/search', demo.layoutUrl).href, { waitUntil: 'networkidle0' });
    await page.waitForFunction(
      () => (document.querySelector('podlet-search')?.shadowRoot?.textContent ?? '').includes('Searching from Kyoto, Japan'),
      { timeout: 10_000 },
    );
    // geo on the search page shows the same place: one state, read by both podlets.
    assert.match(await page.evaluate(() => document.querySelector('podlet-geo')!.shadowRoot!.textContent ?? ''), /Kyoto, Japan/);
  } finally {
    await page.close();
  }
});
