import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import semver from 'semver';
import { launchChromium } from '../helpers/chromium.ts';
import { demoElements, podletsReady, serverOnlyElements } from '../helpers/demo-elements.ts';
import { startInProcessDemo, type InProcessDemo } from '../helpers/demo-in-process.ts';

// The generated service worker (issue 12) with the demo in Chromium: its podlets and layout, in
// front of a CDN that counts what crosses the network. The tests run in order and share one
// browser context, as one user's visits would.

let demo: InProcessDemo;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
before(async () => {
  demo = await startInProcessDemo();
  browser = await launchChromium();
  page = await (await browser.createBrowserContext()).newPage();
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  page.on('pageerror', (e) => void consoleErrors.push(String(e)));
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

const [homeTags, searchTags] = [demoElements['/'], demoElements['/search']];

/** Waits until each custom element has rendered its shadow DOM. */
async function rendered(tags: string[]): Promise<void> {
  await page.waitForFunction(podletsReady, { timeout: 10_000 }, tags, serverOnlyElements);
}

/** Module requests the CDN answered (its API under /-/ aside), by path. */
const moduleRequests = () => [...demo.cdnRequests].filter(([path]) => !path.startsWith('/-/'));

/** Waits until the page is controlled by an activated worker whose install is complete. */
async function workerReady(): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 20));
  });
}

/** The URLs the worker holds in its module cache. */
const cachedUrls = () => page.evaluate(async () => (await (await caches.open('podmap-modules')).keys()).map((r) => r.url));

// The DevTools sessions that hold service workers offline, until setOffline(false) detaches them.
const offlineSessions: CDPSession[] = [];

/**
 * Switches the network off (or on) for the page and for every service worker, as DevTools' "Offline"
 * does. Back online, each worker's session is detached, not left open: a worker stopped and started
 * again while a DevTools session is attached to it waits for that debugger before running its script
 * (it never answers a fetch), and the session would keep it offline too.
 */
async function setOffline(offline: boolean): Promise<void> {
  await page.setOfflineMode(offline);
  if (!offline) {
    for (const session of offlineSessions.splice(0)) await session.detach().catch(() => {});
    return;
  }
  for (const target of browser.targets().filter((t) => t.type() === 'service_worker')) {
    // A worker that was replaced or unregistered may linger as a target that no longer answers.
    const emulate = async () => {
      const session = await target.createCDPSession();
      offlineSessions.push(session);
      await session.send('Network.enable');
      await session.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    };
    await Promise.race([emulate().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000))]);
  }
}

/** Stops every service worker, as DevTools' "Stop" does: the next request starts the worker again. */
async function stopWorkers(): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

test('service worker - a first visit to home - registers after load, precaches every page of the layout, and downloads every module at most once', async () => {
  await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
  await rendered(homeTags);
  await workerReady();
  const twice = moduleRequests().filter(([, count]) => count > 1);
  assert.deepEqual(twice, [], 'no module crossed the network twice (the worker took what the page fetched from the HTTP cache)');
  const cached = await cachedUrls();
  assert.ok(
    cached.some((url) => /\/podlet\/search@[^/]+\/search\.js$/.test(url)),
    `search's podlet, which home does not use, is precached: ${cached.join(' ')}`,
  );
  assert.ok(
    cached.some((url) => url.endsWith('/static/layout.css')),
    "the layout's stylesheet is precached",
  );
  assert.ok(
    cached.every((url) => !url.includes('es-module-shims')),
    'es-module-shims is not precached where the browser has import maps',
  );
  assert.deepEqual(consoleErrors, []);
});

test('service worker - its precache list - pins every podlet module by the hash of the minified file the CDN stores, not the file as published', async () => {
  const script = await (await fetch(new URL('podmap-sw.js', demo.layoutUrl))).text();
  const config = JSON.parse(/^self\.podmapWorker = (.*);$/m.exec(script)![1]!) as { precache: Array<{ url: string; integrity?: string }> };
  const releases = config.precache.filter((entry) => entry.url.includes('/podlet/'));
  assert.ok(releases.length >= 6, `every podlet's modules: ${releases.map((e) => e.url).join(' ')}`);
  for (const { url, integrity } of releases) {
    const [, name, version, file] = /\/podlet\/([^@]+)@([^/]+)\/(.+)$/.exec(url)!;
    const stored = readFileSync(path.join(demo.storeDir, 'podlet', `${name}@${version}`, 'files', file!));
    const published = readFileSync(new URL(`../../podlets/${name}/public/${file}`, import.meta.url));
    assert.ok(stored.length < published.length, `${url} is stored minified`);
    assert.equal(integrity, `sha384-${createHash('sha384').update(stored).digest('base64')}`, url);
  }
});

test('service worker - offline after one visit - home reloads with all five podlets; /search, never visited, shows the offline page that links home', async () => {
  await setOffline(true);
  try {
    await page.reload({ waitUntil: 'load' });
    await rendered(homeTags);
    await page.goto(new URL('/search', demo.layoutUrl).href, { waitUntil: 'load' });
    const offline = await page.evaluate(() => ({
      marked: document.querySelector('[data-podmap-offline]') !== null,
      links: [...document.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.textContent]),
    }));
    assert.deepEqual(offline, { marked: true, links: [['/', 'Podmap Travel']] });
  } finally {
    await setOffline(false);
  }
});

test('service worker - back online after the offline case, the worker stopped - it starts again, runs its script and is online (no DevTools session holds it)', async () => {
  await stopWorkers();
  await page.goto(demo.layoutUrl, { waitUntil: 'load', timeout: 10_000 });
  await rendered(homeTags);
  const [target] = browser.targets().filter((t) => t.type() === 'service_worker');
  assert.ok(target, 'a service worker runs');
  const session = await target.createCDPSession();
  try {
    const { result } = await session.send('Runtime.evaluate', {
      expression: '[typeof self.podmapWorker?.version, navigator.onLine]',
      returnByValue: true,
    });
    assert.deepEqual(result.value, ['string', true], 'the restarted worker ran its script, and is online');
  } finally {
    await session.detach();
  }
});

test('service worker - home → /search online - every podlet of search renders, and no module crosses the network: only the HTML does', async () => {
  const before = moduleRequests().length;
  demo.cdnRequests.clear();
  await page.goto(new URL('/search', demo.layoutUrl).href, { waitUntil: 'networkidle0' });
  await rendered(searchTags);
  assert.deepEqual(moduleRequests(), [], `modules fetched from the CDN (of ${before} on the first visit)`);
});

test("service worker - a podlet releases - the next visit installs a new worker that fetches only that podlet's new modules and drops its old ones", async () => {
  // The header's release as the demo runs it, and the patch after it: the header, whose modules the
  // page loads, not the footer, which the demo renders on the server only (its page loads none).
  const { version } = JSON.parse(readFileSync(new URL('../../podlets/header/package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const next = semver.inc(version, 'patch')!;
  const [oldPath, newPath] = [`/podlet/header@${version}/`, `/podlet/header@${next}/`];
  const oldHeader = (await cachedUrls()).filter((url) => url.includes(oldPath));
  assert.ok(oldHeader.length > 0, `the worker cached ${oldPath}`);
  await demo.releasePodlet('header', next, 'new');
  demo.cdnRequests.clear();
  // The layout learns the release from the header's podlet-version on the next page it composes.
  await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
  await page.waitForFunction(
    async (next: string, old: string) =>
      (await (await caches.open('podmap-modules')).keys()).some((r) => r.url.includes(next)) &&
      !(await (await caches.open('podmap-modules')).keys()).some((r) => r.url.includes(old)),
    { timeout: 20_000, polling: 200 },
    newPath,
    oldPath,
  );
  const fetched = moduleRequests().map(([path]) => path);
  assert.ok(fetched.length > 0 && fetched.every((path) => path.startsWith(newPath)), `fetched: ${fetched.join(' ')}`);
  assert.ok(
    fetched.every((path) => demo.cdnRequests.get(path) === 1),
    'each new module once',
  );
  await page.reload({ waitUntil: 'networkidle0' });
  await rendered(homeTags);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.headerRelease), 'new', 'the new release runs');
});

test('service worker - a tampered module in its cache - is never served: the page gets the real one, and the cache is mended (security)', async () => {
  const victim = (await cachedUrls()).find((url) => url.includes('/podlet/header@'))!;
  await page.evaluate(async (url: string) => {
    const cache = await caches.open('podmap-modules');
    await cache.put(url, new Response('window.tampered = 1;', { headers: { 'content-type': 'text/javascript' } }));
  }, victim);
  // The worker keeps checked modules in memory while it runs: stop it, so the next page's
  // requests reach its Cache Storage, where the tampered copy is.
  await stopWorkers();
  // A new tab: a reload may take the module from the old document's memory cache, never asking the worker.
  const previous = page;
  page = await previous.browserContext().newPage();
  await previous.close();
  await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
  await rendered(homeTags);
  assert.equal(await page.evaluate(() => (window as unknown as { tampered?: number }).tampered), undefined, 'the tampered copy never ran');
  const body = await page.evaluate(async (url: string) => (await (await caches.open('podmap-modules')).match(url))!.text(), victim);
  assert.doesNotMatch(body, /tampered/, 'the cache holds the real module again');
});

test('service worker - the kill switch - pages unregister the worker, and the worker script deletes its caches and unregisters itself', async () => {
  demo.useLayout({ serviceWorker: { unregister: true } });
  try {
    await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
    await rendered(homeTags);
    await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistrations()).length === 0, {
      timeout: 10_000,
      polling: 100,
    });
    await page.reload({ waitUntil: 'networkidle0' });
    await rendered(homeTags);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null, 'the page is no longer controlled');
  } finally {
    demo.useLayout({});
  }
});

test('service worker - shim mode under the strict CSP - registers, precaches es-module-shims with the modules, and home reloads offline with every podlet', async () => {
  demo.useLayout({ mode: 'shim', csp: true });
  consoleErrors.length = 0; // the offline page of the second case answers 503, and Chromium logs that
  try {
    const response = await page.goto(demo.layoutUrl, { waitUntil: 'networkidle0' });
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'nonce-[^']+' 'strict-dynamic'.*worker-src 'self'/);
    await rendered(homeTags);
    await workerReady();
    assert.ok(
      (await cachedUrls()).some((url) => url.includes('/es-module-shims@')),
      'es-module-shims is precached in shim mode',
    );
    await setOffline(true);
    try {
      await page.reload({ waitUntil: 'load' });
      await rendered(homeTags);
    } finally {
      await setOffline(false);
    }
    assert.deepEqual(consoleErrors, [], consoleErrors.join('\n'));
  } finally {
    demo.useLayout({});
  }
});
