import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import type { RunningDemo } from '../../layouts/demo.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { demoElements } from '../helpers/demo-elements.ts';
import { startTestDemo } from '../helpers/start-test-demo.ts';
import { rendered, signIn, submitSignIn } from './open-page.ts';

let demo: RunningDemo;
let browser: Browser;

before(async () => {
  // Without the service worker: these cases hold the page to what the HTTP cache alone gives;
  // test/e2e/service-worker.test.ts holds the worker to its own.
  demo = await startTestDemo({ PODMAP_SERVICE_WORKER: '0' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

interface Load {
  page: Page;
  consoleErrors: string[];
  failed: string[];
  redirects: string[];
  modules: Array<{ url: string; bytes: number }>;
}

/** Opens `path` in a page (a fresh browser context, so a cold cache, unless one is given) and records what a developer would look at in DevTools. */
async function load(pathname: string, reuse?: Page): Promise<Load> {
  const page = reuse ?? (await (await browser.createBrowserContext()).newPage());
  const result: Load = { page, consoleErrors: [], failed: [], redirects: [], modules: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') result.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => result.consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => result.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const scripts = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.redirectResponse) result.redirects.push(`${e.redirectResponse.url} → ${e.request.url}`);
    if (e.type === 'Script' || e.request.url.endsWith('.js')) scripts.set(e.requestId, e.request.url);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const url = scripts.get(e.requestId);
    if (url) result.modules.push({ url, bytes: e.encodedDataLength });
  });
  await page.goto(new URL(pathname, demo.urls.layout).href, { waitUntil: 'networkidle0' });
  return result;
}

function assertClean(result: Load) {
  // Podlet releases and libraries share the CDN's origin: one connection brings every module.
  const origins = new Set(result.modules.map((m) => new URL(m.url).origin));
  assert.deepEqual([...origins], [new URL(demo.urls.cdn!).origin], 'every module comes from the CDN');
  assert.deepEqual(result.consoleErrors, [], 'no console errors');
  assert.deepEqual(result.failed, [], 'no failed requests');
  assert.deepEqual(result.redirects, [], 'no redirects: the map holds exact URLs');
  assert.ok(!result.modules.some((m) => m.url.includes('es-module-shims')), 'Chromium has import maps: es-module-shims is not fetched');
}

function report(name: string, result: Load) {
  const bytes = result.modules.reduce((sum, m) => sum + m.bytes, 0);
  console.log(`${name}: ${result.modules.length} module requests, ${bytes} bytes transferred`);
}

test('demo - home - all five podlets render from unbundled modules, cleanly', async () => {
  const result = await load('/');
  const text = await rendered(result.page, demoElements['/']);
  assert.match(text['podlet-header']!, /Podmap Travel/);
  assert.match(text['podlet-auth']!, /Sign in/);
  assert.match(text['podlet-geo']!, /Your location/);
  assert.match(text['podlet-image']!, /Travel gallery/);
  assert.match(text['podlet-footer']!, /Podmap Travel/);
  assertClean(result);
  report('home', result);
  await result.page.close();
});

test('demo - search - header, search, geo and footer render, cleanly', async () => {
  const result = await load('/search');
  const text = await rendered(result.page, demoElements['/search']);
  assert.match(text['podlet-search']!, /6 results/);
  assert.equal(await result.page.$('podlet-auth'), null);
  assertClean(result);
  report('search', result);
  await result.page.close();
});

test('demo - home - geo runs lit 2 while the rest of the page runs lit 3', async () => {
  const result = await load('/');
  const text = await rendered(result.page, ['podlet-geo', 'podlet-footer']);
  assert.match(text['podlet-geo']!, /Rendered with lit@2\.\d+\.\d+/);
  assert.match(text['podlet-footer']!, /Footer lit: lit@3\.\d+\.\d+/);
  const versions = await result.page.evaluate(() => (globalThis as unknown as { litElementVersions: string[] }).litElementVersions);
  assert.ok(
    versions.some((v) => v.startsWith('3.')) && versions.some((v) => v.startsWith('4.')),
    `lit-element 3 (lit 2) and 4 (lit 3) both loaded: ${versions}`,
  );
  await result.page.close();
});

test('demo - home - signing in on auth updates the header through the exposed session module', async () => {
  const result = await load('/');
  await rendered(result.page, ['podlet-header', 'podlet-auth']);
  await signIn(result.page, 'Ada');
  assertClean(result);
  await result.page.close();
});

test("demo - home then search - the second page fetches only the search podlet's modules", async () => {
  const home = await load('/');
  await rendered(home.page, ['podlet-footer']);
  const search = await load('/search', home.page);
  await rendered(search.page, ['podlet-search']);
  assertClean(search);
  // Everything else (lit, the bus, header, geo, footer) comes from the HTTP cache: immutable URLs.
  const fetched = search.modules.filter((m) => m.bytes > 0).map((m) => m.url);
  assert.ok(fetched.length > 0 && fetched.every((u) => /\/search\.js$/.test(u)), fetched.join('\n'));
  report('home → search', { ...search, modules: search.modules.filter((m) => m.bytes > 0) });
  await home.page.close();
});

test('demo - home - every preloaded module, libraries and podlet releases alike, is pinned by a sha384 hash', async () => {
  const html = await (await fetch(demo.urls.layout!)).text();
  const map = JSON.parse(/<script type="importmap"[^>]*>(.*?)<\/script>/s.exec(html)![1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
  // Both kinds are on the page: library builds from /npm/ and podlet releases from /podlet/.
  assert.ok(preloads.some((u) => u.includes('/npm/')) && preloads.some((u) => u.includes('/podlet/')), preloads.join('\n'));
  for (const url of preloads) assert.match(map.integrity?.[url] ?? '', /^sha384-/, url);
});

test("demo - home - podlet modules come from the CDN minified, each hashes to the page's integrity, and the page runs them under SRI", async () => {
  const html = await (await fetch(demo.urls.layout)).text();
  const map = JSON.parse(/<script type="importmap"[^>]*>(.*?)<\/script>/s.exec(html)![1]!) as { integrity: Record<string, string> };
  const releases = [...html.matchAll(/<link rel="modulepreload" href="([^"]+\/podlet\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(releases.length >= 5, releases.join('\n'));
  for (const url of releases) {
    const bytes = Buffer.from(await (await fetch(url, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
    assert.equal(map.integrity[url], `sha384-${createHash('sha384').update(bytes).digest('base64')}`, url);
    // As published, the podlet's own compiled file, which the CDN minified.
    const [, name, file] = /\/podlet\/([^@]+)@[^/]+\/(.+)$/.exec(url)!;
    const published = readFileSync(new URL(`../../podlets/${name}/public/${file}`, import.meta.url));
    assert.ok(bytes.length < published.length, `${url}: ${bytes.length} bytes served, ${published.length} published`);
    const mapName = `${file!.split('/').pop()}.map`;
    assert.ok(bytes.toString('utf8').endsWith(`//# sourceMappingURL=${mapName}\n`), url);
    assert.equal((await fetch(new URL(mapName, url))).status, 200, `${url}'s map`);
  }
  // Chromium checks every hash (SRI): a module that did not match would not run, and would log an error.
  const result = await load('/');
  await rendered(result.page, demoElements['/']);
  assertClean(result);
  assert.ok(
    releases.every((url) => result.modules.some((m) => m.url === url)),
    'the browser loaded every podlet module',
  );
  await result.page.close();
});

test('demo - two tabs - signing in on auth in one updates the header in the other', async () => {
  const context = await browser.createBrowserContext();
  const [first, second] = [await context.newPage(), await context.newPage()];
  for (const page of [first, second]) await page.goto(demo.urls.layout!, { waitUntil: 'networkidle0' });
  // Only one tab is in front; a background tab runs no animation frames, so poll by time there.
  await first.bringToFront();
  const headerSays = (text: string) =>
    second.waitForFunction(
      (t) => document.querySelector('podlet-header')?.shadowRoot?.textContent?.includes(t) ?? false,
      { timeout: 5000, polling: 100 },
      text,
    );
  await headerSays('Not signed in');
  await submitSignIn(first, 'Grace');
  await headerSays('Signed in as Grace');
  await context.close();
});
