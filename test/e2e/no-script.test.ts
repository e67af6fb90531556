// The demo with JavaScript turned off, in Chromium and Firefox: every podlet's content shows,
// because the podlets that render on the server send it as declarative shadow DOM (styled under
// the demo's strict CSP) and geo, which renders on the client, sends its default place as HTML.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { RunningDemo } from '../../layouts/demo.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { firefoxPath, requireBinary } from '../helpers/engines.js';
import { startTestDemo } from '../helpers/start-test-demo.ts';

let demo: RunningDemo;
before(async () => {
  demo = await startTestDemo({ PODMAP_CSP: '1', PODMAP_MODE: 'native' });
});
after(() => demo?.stop());

/** What each podlet of a page must show with no script at all: text in its shadow root (geo: in its light DOM). */
const expected: Record<string, Record<string, RegExp>> = {
  '/': {
    'podlet-header': /Podmap Travel.*Home.*Search.*Not signed in/,
    'podlet-auth': /Sign in.*User name.*Password/,
    'podlet-geo': /Your location: Oslo, Norway/,
    'podlet-image': /Fjord at dawn — Geiranger/,
    'podlet-footer': /Podmap Travel/,
  },
  '/search': {
    'podlet-header': /Podmap Travel.*Not signed in/,
    'podlet-search': /Search destinations.*6 results.*Oslo Norway/,
    'podlet-geo': /Your location: Oslo, Norway/,
    'podlet-footer': /Podmap Travel/,
  },
};

/** Run in the page: each element's shadow text (or its own text without a shadow root), whether a module defined it, and its first child's display. */
function readPodlets(names: string[]) {
  return names.map((name) => {
    const element = document.querySelector(name);
    const root = element?.shadowRoot;
    const first = root ? [...root.children].find((e) => e.localName !== 'style') : undefined;
    return {
      name,
      text: (root ?? element)?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
      defined: Boolean(customElements.get(name)),
      display: first ? getComputedStyle(first).display : null,
    };
  });
}

/** The engines, each launched with scripts off for every page it opens. */
const engines: Record<string, () => Promise<Browser>> = {
  chromium: () => launchChromium(['--blink-settings=scriptEnabled=false']),
  firefox: async () => {
    requireBinary(firefoxPath, 'firefox-esr');
    const userDataDir = await mkdtemp(path.join(tmpdir(), 'podmap-firefox-noscript-'));
    return puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxPath,
      headless: true,
      userDataDir,
      extraPrefsFirefox: { 'javascript.enabled': false },
    });
  },
};

for (const [engine, launch] of Object.entries(engines)) {
  describe(`no script - ${engine}`, () => {
    let browser: Browser;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.close());

    for (const [pathname, podlets] of Object.entries(expected)) {
      test(`no script - ${engine} - ${pathname} with JavaScript off - every podlet's content shows, and no module ran`, async () => {
        const page = await (await browser.createBrowserContext()).newPage();
        await page.goto(new URL(pathname, demo.urls.layout).href, { waitUntil: 'load' });
        // Evaluation through the driver runs with the page's scripts off: the page's own never ran.
        const seen = await page.evaluate(readPodlets, Object.keys(podlets));
        for (const podlet of seen) {
          assert.match(podlet.text ?? `${podlet.name} is missing`, podlets[podlet.name]!, podlet.name);
          assert.equal(podlet.defined, false, `${podlet.name}: no module defined it`);
        }
        // Styled on first paint: the header's own style (a flex band) applies under style-src.
        assert.equal(seen.find((p) => p.name === 'podlet-header')!.display, 'flex');
        await page.close();
      });
    }

    test(`no script - ${engine} - a user the layout knows - the server-rendered header and sign-in box say who is signed in`, async () => {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      const url = new URL('/', demo.urls.layout);
      await context.setCookie({ name: 'podmap-demo-user', value: 'Ada', domain: url.hostname, path: '/' });
      await page.goto(url.href, { waitUntil: 'load' });
      const seen = await page.evaluate(readPodlets, ['podlet-header', 'podlet-auth']);
      assert.match(seen[0]!.text ?? '', /Signed in as Ada/);
      assert.match(seen[1]!.text ?? '', /Welcome back.*Signed in as Ada/);
      await context.close();
    });
  });
}
