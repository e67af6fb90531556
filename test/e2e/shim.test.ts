// The fallback path, whole: the demo written for es-module-shims shim mode (PODMAP_MODE=shim),
// loaded in Chromium. Every podlet must render through importmap-shim / module-shim, and
// Chromium must not also load the modules natively.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import type { RunningDemo } from '../../layouts/demo.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { demoElements } from '../helpers/demo-elements.ts';
import { startTestDemo } from '../helpers/start-test-demo.ts';
import { openPage, rendered } from './open-page.ts';

let demo: RunningDemo;
let browser: Browser;

before(async () => {
  demo = await startTestDemo({ PODMAP_MODE: 'shim', PODMAP_CSP: '1' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('shim mode - home - the head is written for es-module-shims', async () => {
  const html = await (await fetch(demo.urls.layout)).text();
  assert.match(
    html,
    /<script type="esms-options">\{"shimMode":true\}<\/script>\n<script src="[^"]+es-module-shims\.js"/,
    'the options come before es-module-shims',
  );
  assert.match(html, /<script type="importmap-shim"/);
  assert.match(html, /<script type="module-shim" src=/);
  assert.doesNotMatch(
    html,
    /<script type="importmap"|<script type="module"|rel="modulepreload"/,
    'nothing that Chromium would load natively',
  );
  assert.match(html, /<link rel="modulepreload-shim" href=/);
});

for (const [pathname, podlets] of Object.entries(demoElements)) {
  test(`shim mode - ${pathname} - every podlet renders, cleanly, each module fetched once`, async () => {
    const load = await openPage(browser, new URL(pathname, demo.urls.layout).href);
    const text = await rendered(load.page, [...podlets]);
    assert.match(text['podlet-header']!, /Podmap Travel/);
    assert.match(text['podlet-geo']!, /Rendered with lit@2\.\d+\.\d+/, 'geo still gets lit 2 through its scope');
    assert.deepEqual(load.consoleErrors, [], 'no console errors');
    assert.deepEqual(load.failed, [], 'no failed requests');
    assert.deepEqual(load.cspViolations, [], 'no CSP violations');
    assert.ok(
      load.requests.some((r) => r.url.includes('es-module-shims')),
      'es-module-shims is loaded',
    );
    assert.deepEqual(load.duplicates(), [], 'no module is fetched twice');
    const modules = load.requests.filter((r) => /\.js$/.test(r.url) && !r.url.includes('es-module-shims'));
    assert.ok(
      modules.length > 10 && modules.every((r) => r.type === 'Fetch'),
      'es-module-shims fetches every module itself: Chromium loads none natively',
    );
    await load.page.close();
  });
}
