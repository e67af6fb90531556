import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import type { LayoutOptions } from '../../runtime/layout/layout-options.ts';
import type { PageAssets } from '../../runtime/layout/assets/page-assets.ts';
import { buildWorkerConfig, DEFAULT_SERVICE_WORKER, resolveServiceWorker } from '../../runtime/layout/service-worker/worker-config.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

const assets = (over: Partial<PageAssets>): PageAssets => ({
  map: { imports: {} },
  preloads: [],
  scripts: [],
  stylesheets: [],
  fallbackOnly: new Map(),
  shimUrl: null,
  ...over,
});

/** A layout of one lit podlet, on the test CDN unless `cdnUrl` is given, listening: its base URL. */
async function layoutOfOnePodlet(t: TestContext, options: Partial<LayoutOptions>): Promise<string> {
  let cdnUrl = options.cdnUrl;
  if (!cdnUrl) {
    const cdn = await startCdnWithLit();
    t.after(() => cdn.close());
    cdnUrl = cdn.url;
  }
  const dir = await writePodletFolder(t, {
    name: '@podlets/one',
    dependencies: { lit: '^3.1.0' },
    modules: { 'one.js': "import 'lit';\n" },
  });
  const one = await createPodlet({ name: 'one', packageDir: dir, entries: ['one.js'], content: () => '<p>one</p>' });
  const layout = createLayout({
    importMap: { imports: {} },
    podlets: { one: `${await listen(t, one.handle)}manifest.json` },
    pages: { '/': { title: 'x', podlets: ['one'] } },
    ...options,
    cdnUrl,
  });
  return listen(t, layout.handle);
}

test('buildWorkerConfig() - two pages sharing modules - lists each module once with its integrity, the stylesheets, and es-module-shims on first use only in native mode', () => {
  const home = assets({
    preloads: [
      { href: 'https://cdn/npm/lit@3.3.3/+/index.js', integrity: 'sha384-lit' },
      { href: 'https://cdn/podlet/header@1.0.0/header.js', integrity: 'sha384-h' },
    ],
    scripts: [{ src: 'https://cdn/podlet/header@1.0.0/header.js', type: 'module' }],
    stylesheets: [{ href: 'https://cdn/podlet/header@1.0.0/header.css' }],
    shimUrl: 'https://cdn/npm/es-module-shims@2.8.4/dist/es-module-shims.js',
    shimIntegrity: 'sha384-shim',
  });
  const search = assets({ preloads: [{ href: 'https://cdn/npm/lit@3.3.3/+/index.js', integrity: 'sha384-lit' }] });
  const pages = [
    { path: '/', title: 'Home', assets: home },
    { path: '/search', title: 'Search', assets: search },
  ];
  const settings = { layoutCss: ['/static/layout.css'], mode: 'native' as const, worker: DEFAULT_SERVICE_WORKER };
  const config = buildWorkerConfig(pages, settings);
  assert.deepEqual(config.precache, [
    { url: '/static/layout.css' },
    { url: 'https://cdn/npm/lit@3.3.3/+/index.js', integrity: 'sha384-lit' },
    { url: 'https://cdn/podlet/header@1.0.0/header.css' },
    { url: 'https://cdn/podlet/header@1.0.0/header.js', integrity: 'sha384-h' },
  ]);
  assert.deepEqual(config.onUse, [{ url: 'https://cdn/npm/es-module-shims@2.8.4/dist/es-module-shims.js', integrity: 'sha384-shim' }]);
  assert.deepEqual(config.pages, [
    { path: '/', title: 'Home' },
    { path: '/search', title: 'Search' },
  ]);
  assert.equal(buildWorkerConfig(pages, settings).version, config.version, 'the same pages make the same script');
  const shim = buildWorkerConfig(pages, { ...settings, mode: 'shim' });
  assert.ok(shim.precache.some((e) => e.url.includes('es-module-shims')) && shim.onUse.length === 0, 'shim mode precaches it');
  const released = buildWorkerConfig(
    [
      { ...pages[0]!, assets: { ...home, preloads: [{ href: 'https://cdn/podlet/header@1.0.1/header.js', integrity: 'sha384-h2' }] } },
      pages[1]!,
    ],
    settings,
  );
  assert.notEqual(released.version, config.version, 'a release changes the script');
});

test('resolveServiceWorker() - hostile and wrong options - are refused with PODMAP_ERR_CONFIG_SERVICE_WORKER; off by default', () => {
  assert.equal(resolveServiceWorker(undefined, ['/']), null);
  assert.equal(resolveServiceWorker(false, ['/']), null);
  assert.deepEqual(resolveServiceWorker(true, ['/']), DEFAULT_SERVICE_WORKER);
  assert.equal(resolveServiceWorker({ path: '/-/podmap/sw.js' }, ['/'])!.path, '/-/podmap/sw.js');
  for (const path of [
    'sw.js',
    '/../sw.js',
    '/a/../sw.js',
    '//evil.example/sw.js',
    '/sw.js?x=1',
    '/sw"><script>.js',
    '/sw',
    '/a//sw.js',
    'https://x/sw.js',
  ]) {
    assert.throws(() => resolveServiceWorker({ path }, ['/']), { code: 'PODMAP_ERR_CONFIG_SERVICE_WORKER' }, path);
  }
  assert.throws(() => resolveServiceWorker({ path: '/page.js' }, ['/', '/page.js']), { code: 'PODMAP_ERR_CONFIG_SERVICE_WORKER' });
  for (const navigationTimeoutMs of [0, -1, Number.NaN, Infinity, '100' as unknown as number]) {
    assert.throws(() => resolveServiceWorker({ navigationTimeoutMs }, ['/']), { code: 'PODMAP_ERR_CONFIG_SERVICE_WORKER' });
  }
  assert.throws(() => resolveServiceWorker({ unregister: 'yes' as unknown as boolean }, ['/']), {
    code: 'PODMAP_ERR_CONFIG_SERVICE_WORKER',
  });
  assert.throws(() => resolveServiceWorker('on' as unknown as boolean, ['/']), { code: 'PODMAP_ERR_CONFIG_SERVICE_WORKER' });
});

test("createLayout({ serviceWorker }) - the worker script - holds the pages' modules with integrity, is never cached, and its pages register it after load under the CSP nonce", async (t) => {
  const base = await layoutOfOnePodlet(t, { csp: true, serviceWorker: true });
  const page = await fetch(base);
  const html = await page.text();
  const nonce = /'nonce-([^']+)'/.exec(page.headers.get('content-security-policy')!)![1]!;
  assert.match(page.headers.get('content-security-policy')!, /worker-src 'self'/);
  assert.ok(
    html.includes(`<script nonce="${nonce}">if("serviceWorker"in navigator)addEventListener("load",`),
    'registered after load, with the nonce',
  );
  const script = await fetch(`${base}podmap-sw.js`);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('cache-control'), 'no-cache');
  assert.match(script.headers.get('content-type')!, /^text\/javascript/);
  const text = await script.text();
  const config = JSON.parse(/^self\.podmapWorker = (.*);$/m.exec(text)![1]!) as { precache: Array<{ url: string; integrity?: string }> };
  assert.ok(
    config.precache.some((e) => /\/npm\/lit@3\.[^/]+\/\+\/index\.js$/.test(e.url) && e.integrity?.startsWith('sha384-')),
    text.slice(0, 400),
  );
  assert.ok(
    config.precache.some((e) => e.url.includes('one.js')),
    "the podlet's own module is precached",
  );
  assert.equal((await fetch(`${base}podmap-sw.js`, { method: 'POST' })).status, 405);
});

test('createLayout({ serviceWorker }) - the CDN down - the worker script answers 503 PODMAP_ERR_WORKER_UNAVAILABLE, so browsers keep the worker they have', async (t) => {
  t.mock.method(console, 'error', () => {});
  const deadCdn = await listen(t, (_req, res) => void res.writeHead(503).end());
  const base = await layoutOfOnePodlet(t, { cdnUrl: deadCdn, serviceWorker: true });
  const script = await fetch(`${base}podmap-sw.js`);
  assert.equal(script.status, 503);
  assert.equal(((await script.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_WORKER_UNAVAILABLE');
});

test('createLayout({ serviceWorker: { unregister: true } }) - the kill switch - pages unregister it and the script is the self-removing worker', async (t) => {
  const base = await layoutOfOnePodlet(t, { serviceWorker: { unregister: true } });
  assert.match(await (await fetch(base)).text(), /getRegistrations\(\)[^<]*r\.unregister\(\)/);
  const text = await (await fetch(`${base}podmap-sw.js`)).text();
  const config = JSON.parse(/^self\.podmapWorker = (.*);$/m.exec(text)![1]!) as { unregister: boolean; precache: unknown[] };
  assert.deepEqual([config.unregister, config.precache], [true, []]);
});

test('createLayout({ serviceWorker }) - the update check - gets the script compressed, and a 304 while it has not changed', async (t) => {
  const base = await layoutOfOnePodlet(t, { serviceWorker: true });
  const { request } = await import('node:http');
  const get = (headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, unknown>; bytes: number }>((resolve, reject) => {
      request(`${base}podmap-sw.js`, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes }));
      })
        .on('error', reject)
        .end();
    });
  const plain = await get({});
  const br = await get({ 'accept-encoding': 'br, gzip' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(br.bytes < plain.bytes / 2, `${br.bytes} B brotli against ${plain.bytes} B`);
  assert.equal(br.headers.etag, String(plain.headers.etag).replace(/"$/, '-br"'), 'the brotli copy has its own strong ETag');
  const again = await get({ 'accept-encoding': 'br, gzip', 'if-none-match': String(br.headers.etag) });
  assert.equal(again.status, 304);
  assert.equal(again.bytes, 0);
});
