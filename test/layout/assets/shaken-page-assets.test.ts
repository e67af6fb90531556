import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildPageAssets } from '../../../runtime/layout/assets/build-page-assets.ts';
import type { PodletClient } from '../../../runtime/layout/podlets/create-podlet-client.ts';
import type { ShakenAnswer, ShakenRequest } from '../../../runtime/shared/cdn-protocol/shaken-builds.ts';
import { fakeCdn, fakePodlet, rootOf, type FakeVersion } from '../fake-cdn.ts';

// preact with a browser build, and a podlet that imports two of its names and has a guarded
// dynamic import of a package nobody provides.
const packages: Record<string, Record<string, FakeVersion>> = {
  preact: {
    '10.0.0': {
      files: { '+/index.js': [], '+/hooks.js': ['preact'] },
      exports: { preact: '+/index.js', 'preact/hooks': '+/hooks.js' },
      build: { entries: { '.': '+/index.js', './hooks': '+/hooks.js' }, unavailable: {} },
    },
  },
};
const SHAKEN = '+/~shaken/0123456789abcdef0123456789abcdef/';
const ready: ShakenAnswer['builds'][string] = {
  status: 'ready',
  id: '0123456789abcdef0123456789abcdef',
  replaces: { '+/index.js': `${SHAKEN}index.js`, '+/hooks.js': `${SHAKEN}hooks.js` },
  files: {
    [`${SHAKEN}index.js`]: { size: 10, integrity: 'sha384-index', type: 'text/javascript', imports: ['./~chunks/c.js'] },
    [`${SHAKEN}hooks.js`]: { size: 10, integrity: 'sha384-hooks', type: 'text/javascript', imports: ['./~chunks/c.js'] },
    [`${SHAKEN}~chunks/c.js`]: { size: 10, integrity: 'sha384-chunk', type: 'text/javascript', imports: [] },
  },
};

function podlet(): PodletClient {
  const client = fakePodlet('alpha', { needs: { preact: '^10.0.0' }, modules: { 'alpha.js': ['preact', 'preact/hooks'] } });
  Object.assign(client.state!.podmap!, {
    importedNames: { preact: ['h', 'render'], 'preact/hooks': ['useState'], 'optional-thing': '*' },
    dynamicImports: { 'alpha.js': ['optional-thing'] },
  });
  return client;
}

async function build(t: TestContext, answer: (request: ShakenRequest) => ShakenAnswer | null) {
  const warn = t.mock.method(console, 'warn', () => {});
  const requests: ShakenRequest[] = [];
  const cdn = { ...fakeCdn(packages), shaken: async (request: ShakenRequest) => (requests.push(request), answer(request)) };
  const client = podlet();
  const assets = await buildPageAssets({ globalMap: { imports: {} }, cdn, pagePodlets: [client], allPodlets: [client] });
  return { assets, requests, logs: warn.mock.calls.map((c) => String(c.arguments[0])) };
}

test('buildPageAssets() - a ready shaken build - maps and preloads its files with their hashes, from one request naming the site’s imports', async (t) => {
  const { assets, requests } = await build(t, () => ({ builds: { 'preact@10.0.0': ready } }));
  assert.deepEqual(requests, [{ packages: { 'preact@10.0.0': { '.': ['h', 'render'], './hooks': ['useState'] } } }]);
  const root = rootOf('preact', '10.0.0');
  assert.equal(assets.map.imports.preact, `${root}${SHAKEN}index.js`);
  assert.equal(assets.map.imports['preact/hooks'], `${root}${SHAKEN}hooks.js`);
  assert.ok(assets.preloads.some((p) => p.href === `${root}${SHAKEN}~chunks/c.js` && p.integrity === 'sha384-chunk'));
  assert.ok(!assets.preloads.some((p) => p.href.endsWith('/+/index.js')), 'the full build is not loaded');
  assert.equal(assets.shakenPending, undefined);
  assert.equal(assets.fallbackOnly.size, 0);
});

test('buildPageAssets() - a pending, failed, missing or foreign answer, or no endpoint - the full builds, and a pending one rebuilds soon', async (t) => {
  const full = `${rootOf('preact', '10.0.0')}+/index.js`;
  const pending = await build(t, () => ({ builds: { 'preact@10.0.0': { status: 'pending' } } }));
  assert.equal(pending.assets.map.imports.preact, full);
  assert.equal(pending.assets.shakenPending, true);
  const failed = await build(t, () => ({
    builds: { 'preact@10.0.0': { status: 'failed', code: 'PODMAP_ERR_CDN_SHAKEN_TIMEOUT', reason: 'slow' } },
  }));
  assert.equal(failed.assets.map.imports.preact, full);
  assert.equal((await build(t, () => ({ builds: {} }))).assets.map.imports.preact, full, 'a version the answer does not cover');
  assert.equal((await build(t, () => null)).assets.map.imports.preact, full, 'a CDN without the endpoint');
  const foreign = { ...ready, replaces: { '+/index.js': 'https://elsewhere.test/x.js' } };
  assert.equal(
    (await build(t, () => ({ builds: { 'preact@10.0.0': foreign } }))).assets.map.imports.preact,
    full,
    'no URL off the version',
  );
});

test('buildPageAssets() - a dynamic import nobody provides - the podlet stays on the page, with one coded warning', async (t) => {
  const { assets, logs } = await build(t, () => null);
  assert.equal(assets.fallbackOnly.size, 0);
  assert.deepEqual(
    logs.filter((l) => l.includes('optional-thing')).map((l) => l.split(':').slice(0, 3).join(':')),
    ['podmap: podlet "alpha": PODMAP_ERR_DYNAMIC_IMPORT_UNRESOLVED'],
  );
  assert.ok(!assets.preloads.some((p) => p.href.includes('podmap-dynamic')), 'nothing preloaded for it');
});

test('buildPageAssets() - a package module whose import() names a package nobody provides - the podlet stays on the page, the module named in one coded warning, nothing preloaded for it', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const withLazy: Record<string, Record<string, FakeVersion>> = {
    ...packages,
    charts: {
      '1.0.0': {
        files: { 'index.js': ['./lazy.js', 'nobody-provides'], 'lazy.js': [] },
        dynamicImports: { 'index.js': ['./lazy.js', 'nobody-provides'] },
        exports: { charts: 'index.js', 'charts/': '' },
      },
    },
  };
  const client = fakePodlet('beta', { needs: { charts: '^1.0.0' }, modules: { 'beta.js': ['charts'] } });
  const assets = await buildPageAssets({ globalMap: { imports: {} }, cdn: fakeCdn(withLazy), pagePodlets: [client], allPodlets: [client] });
  assert.equal(assets.fallbackOnly.size, 0, 'the podlet is on the page');
  const root = rootOf('charts', '1.0.0');
  const logs = warn.mock.calls.map((c) => String(c.arguments[0])).filter((l) => l.includes('nobody-provides'));
  assert.deepEqual(
    logs.map((l) => l.split(': ').slice(0, 3).join(': ')),
    [`podmap: module "${root}index.js": PODMAP_ERR_DYNAMIC_IMPORT_UNRESOLVED`],
  );
  const preloaded = assets.preloads.map((p) => p.href);
  assert.ok(preloaded.includes(`${root}index.js`), 'the module itself is preloaded');
  assert.ok(!preloaded.includes(`${root}lazy.js`), 'what only its import() loads is not');
  assert.ok(!preloaded.some((href) => href.includes('podmap-dynamic')));
});
