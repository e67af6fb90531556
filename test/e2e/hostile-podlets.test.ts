import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

// Hostile podlets next to a healthy one, in Chromium: whatever a podlet's manifest or
// podmap.json carries, none of it may run in the page, and the healthy podlet still renders.

let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
let browser: Browser;
before(async () => {
  cdn = await startCdnWithLit();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await cdn?.close();
});

const payload = '"><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';

test('hostile podlets - markup in manifest fields, javascript: and data: exposes, a stolen namespace - nothing runs in Chromium, the healthy podlet renders (security)', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const dir = await writePodletFolder(t, {
    name: '@podlets/good',
    modules: { 'good.js': "document.querySelector('p-good').dataset.ok = 'yes';\n" },
  });
  const good = await createPodlet({ name: 'good', packageDir: dir, entries: ['good.js'], content: () => '<p-good></p-good>' });
  const goodUrl = `${await listen(t, good.handle)}manifest.json`;
  const manifest = {
    name: 'evil',
    version: `1.0.0`,
    content: '/',
    fallback: '/fallback',
    js: [{ value: `/x.js?${payload}`, type: 'module' }],
    css: [{ value: `/x.css?${payload}`, media: payload }],
    proxy: {},
    team: payload,
  };
  const podmap = {
    podmap: 1,
    package: { name: '@podlets/good', version: '1.0.0' }, // another podlet's namespace
    base: './',
    needs: {},
    exposes: { '@podlets/good/x.js': 'data:text/javascript,window.pwned=1', 'evil-pkg': 'javascript:window.pwned=1' },
    modules: {},
  };
  const evil = `${await listen(t, (req, res) => {
    if (req.url === '/manifest.json') return void res.setHeader('content-type', 'application/json').end(JSON.stringify(manifest));
    if (req.url === '/podmap.json') return void res.setHeader('content-type', 'application/json').end(JSON.stringify(podmap));
    if (req.url?.startsWith('/x.')) return void res.writeHead(404).end();
    res.end('<p>evil content</p>');
  })}manifest.json`;
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: {} },
    podlets: { good: goodUrl, evil },
    pages: { '/': { title: payload, podlets: ['evil', 'good'] } },
  });
  const base = await listen(t, layout.handle);
  const html = await (await fetch(base)).text();
  assert.doesNotMatch(html, /<script>window\.pwned|onerror="window/, 'the payload is escaped wherever it appears');
  assert.doesNotMatch(html, /data:text\/javascript|javascript:window/, 'no unsafe expose reaches the map');
  const page = await (await browser.createBrowserContext()).newPage();
  await page.goto(base, { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => document.querySelector('p-good')?.getAttribute('data-ok') === 'yes', { timeout: 10_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined, 'no hostile script ran');
  await page.close();
});
