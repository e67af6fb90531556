import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { request } from 'node:http';
import { after, before, test, type TestContext } from 'node:test';
import { init as initLexer, parse as parseModule } from 'es-module-lexer';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import type { LayoutOptions } from '../../runtime/layout/layout-options.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { resolveSpecifier } from '../../runtime/import-map/resolve-specifier.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
before(async () => {
  cdn = await startCdnWithLit();
});
after(() => cdn.close());

const importMap = { imports: { lit: './npm/lit@3/index.js' } };
const silence = (t: TestContext) => {
  t.mock.method(console, 'warn', () => {});
  t.mock.method(console, 'error', () => {});
};

/** A podmap podlet whose component imports lit; `range` is its package.json range for lit. */
async function litPodlet(
  t: TestContext,
  name: string,
  options: { range?: string; content?: () => string | Promise<string>; version?: string } = {},
) {
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    version: options.version ?? '1.0.0',
    dependencies: { lit: options.range ?? '^3.1.0' },
    modules: { [`${name}.js`]: `import { LitElement } from 'lit';\nimport './util.js';\n`, 'util.js': 'export {};\n' },
  });
  const podlet = await createPodlet({
    name,
    packageDir: dir,
    entries: [`${name}.js`],
    content: options.content ?? (() => `<p>${name} content</p>`),
    fallback: () => `<p>${name} fallback</p>`,
  });
  return `${await listen(t, podlet.handle)}manifest.json`;
}

async function page(t: TestContext, podlets: Record<string, string>, extra: Partial<LayoutOptions> = {}) {
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap,
    podlets,
    pages: { '/': { title: 'Test <page>', podlets: Object.keys(podlets) } },
    timeoutMs: 400,
    ...extra,
  });
  const base = await listen(t, layout.handle);
  return {
    base,
    layout,
    get: async () => {
      const response = await fetch(base);
      return { status: response.status, html: await response.text() };
    },
  };
}

const mapOf = (html: string) => JSON.parse((/<script type="importmap">(.*?)<\/script>/s.exec(html) ?? assert.fail(html))[1]!);
const section = (html: string, name: string) =>
  new RegExp(`<section class="podlet" data-podlet="${name}"( data-fallback)?>(.*?)</section>`, 's').exec(html);

/**
 * Every module a browser loads for the page `html`, found the way it finds them: from each
 * module script, the static imports of the source as served, each resolved with the page's
 * import map (bare and relative alike). Independent of how the layout found its preloads.
 */
async function modulesLoadedBy(html: string): Promise<string[]> {
  await initLexer;
  const map = mapOf(html);
  const queue = [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]!);
  const seen = new Set(queue);
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    const response = await fetch(url);
    assert.equal(response.status, 200, url);
    // t === 1 is a static import or re-export: what a page loads before any of it runs.
    for (const { n: specifier, t } of parseModule(await response.text())[0]) {
      if (t !== 1 || specifier === undefined) continue;
      const resolved = resolveSpecifier(map, specifier, url);
      assert.ok(resolved, `${url} imports "${specifier}", which the map resolves`);
      if (!seen.has(resolved)) queue.push(resolved);
      seen.add(resolved);
    }
  }
  return [...seen].sort();
}

test('createLayout() - healthy podlets - one map with exact URLs, preloads for the whole graph, fragments in order', async (t) => {
  const a = await litPodlet(t, 'alpha');
  const b = await litPodlet(t, 'beta', { range: '^3.3.0' });
  const { get } = await page(t, { alpha: a, beta: b });
  const { status, html } = await get();
  assert.equal(status, 200);
  assert.ok(html.indexOf('alpha content') < html.indexOf('beta content'));
  const map = mapOf(html);
  // Aliases are pinned on the server: no URL in the map may be an alias (decision 1).
  for (const url of Object.values(map.imports) as string[]) assert.doesNotMatch(url, /@\d+(\.\d+)?\//, url);
  // lit's entry point and those it imports, each resolved to its browser build on the CDN.
  for (const key of ['lit', 'lit-html', 'lit-element/lit-element.js', '@lit/reactive-element', 'lit-html/is-server.js']) {
    assert.ok(map.imports[key], `map has ${key}`);
  }
  assert.match(map.imports.lit, /\/npm\/lit@3\.\d+\.\d+\/\+\/index\.js$/);
  assert.equal(map.scopes, undefined, 'both podlets share one lit 3');
  const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)" crossorigin="anonymous"/g)].map((m) => m[1]!);
  assert.ok(preloads.some((u) => u.endsWith('/alpha.js')) && preloads.some((u) => u.endsWith('/util.js')));
  assert.ok(
    preloads.some((u) => /lit-html@3[^/]*\/\+\/index\.js$/.test(u)),
    'lit-html itself is preloaded',
  );
  assert.ok(!preloads.some((u) => u.includes('/development/')), 'production files only');
  // Every preload is what the map resolves to: a preload by any other URL would load twice. And
  // the preloads are the whole graph the browser loads, each once.
  assert.ok(html.includes('<script type="module" src="') && html.includes('crossorigin="anonymous"></script>'));
  const loaded = await modulesLoadedBy(html);
  assert.ok(
    loaded.some((u) => u.includes('/~chunks/')),
    `the walk reached lit's shared chunks: ${loaded.join(' ')}`,
  );
  assert.deepEqual([...preloads].sort(), loaded);
  assert.match(html, /<title>Test &lt;page&gt;<\/title>/);
});

test('createLayout() - a podlet on another major - gets lit 2 in a scope keyed by its base URL', async (t) => {
  const a = await litPodlet(t, 'alpha');
  const b = await litPodlet(t, 'beta');
  const old = await litPodlet(t, 'lagging', { range: '^2.7.0' });
  const { html } = await (await page(t, { alpha: a, beta: b, lagging: old })).get();
  const map = mapOf(html);
  const base = new URL('public@1.0.0/', old).href;
  assert.match(resolveSpecifier(map, 'lit', `${base}lagging.js`)!, /\/lit@2\.\d+\.\d+\/\+\/index\.js$/);
  assert.match(resolveSpecifier(map, 'lit', new URL('public@1.0.0/alpha.js', a).href)!, /\/lit@3\.\d+\.\d+\/\+\/index\.js$/);
  // Inside lit 2, lit-html must be lit-html 2, not the top-level 3.
  const lit2 = resolveSpecifier(map, 'lit', `${base}lagging.js`)!;
  assert.match(resolveSpecifier(map, 'lit-html', lit2)!, /\/lit-html@2\./);
});

test('createLayout() - slow, down, 500 and invalid-JSON podlets - page answers 200 with fallbacks', async (t) => {
  silence(t);
  let slowDelay = 0;
  const good = await litPodlet(t, 'good');
  const slow = await litPodlet(t, 'slow', { content: () => new Promise((r) => setTimeout(() => r('<p>slow content</p>'), slowDelay)) });
  let failing = false;
  const flaky = await litPodlet(t, 'flaky', {
    content: () => {
      if (failing) throw new Error('boom');
      return '<p>flaky content</p>';
    },
  });
  const down = 'http://127.0.0.1:9/manifest.json'; // discard port: nothing listens
  const invalid = `${await listen(t, (_req, res) => res.end('{"name": "invalid", not json'))}manifest.json`;
  const { get } = await page(t, { good, slow, flaky, down, invalid });
  const first = await get();
  assert.equal(first.status, 200);
  assert.match(section(first.html, 'slow')![2]!, /slow content/);
  slowDelay = 2000;
  failing = true;
  const second = await get();
  assert.equal(second.status, 200);
  assert.match(section(second.html, 'good')![2]!, /good content/);
  assert.equal(section(second.html, 'slow')![1], ' data-fallback');
  assert.match(section(second.html, 'slow')![2]!, /slow fallback/);
  assert.match(section(second.html, 'flaky')![2]!, /flaky fallback/);
  assert.equal(section(second.html, 'down')![1], ' data-fallback');
  assert.equal(section(second.html, 'invalid')![1], ' data-fallback');
  const warnings = (console.warn as unknown as { mock: { calls: Array<{ arguments: unknown[] }> } }).mock.calls.map((c) =>
    String(c.arguments[0]),
  );
  assert.ok(
    warnings.some((w) => w.includes('PODMAP_ERR_CONTENT_TIMEOUT') && w.includes('"slow"')),
    warnings.join('\n'),
  );
  assert.ok(warnings.some((w) => w.includes('PODMAP_ERR_CONTENT_FAILED') && w.includes('"flaky"')));
  assert.ok(warnings.some((w) => w.includes('PODMAP_ERR_MANIFEST_UNREACHABLE') && w.includes('"down"')));
  assert.ok(warnings.some((w) => w.includes('PODMAP_ERR_MANIFEST_INVALID') && w.includes('"invalid"')));
});

test('createLayout() - a slow podlet - does not hold back the head: map and preloads arrive first', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = await litPodlet(t, 'slow', {
    content: async () => {
      await gate;
      return '<p>slow content</p>';
    },
  });
  const { base, layout } = await page(t, { slow }, { timeoutMs: 5000 });
  await layout.refresh();
  const firstChunk = await new Promise<string>((resolve, reject) => {
    const req = request(base, (res) =>
      res.once('data', (chunk: Buffer) => {
        resolve(chunk.toString());
        release();
        res.resume();
      }),
    );
    req.on('error', reject);
    req.end();
  });
  assert.match(firstChunk, /<script type="importmap">/);
  assert.match(firstChunk, /rel="modulepreload"/);
  assert.doesNotMatch(firstChunk, /slow content/);
});

test('createLayout() - a need no CDN version satisfies - podlet gets its fallback, others render', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const good = await litPodlet(t, 'good');
  const future = await litPodlet(t, 'future', { range: '^9.0.0' });
  const { html } = await (await page(t, { good, future })).get();
  assert.match(section(html, 'future')![2]!, /future fallback/);
  assert.match(section(html, 'good')![2]!, /good content/);
  assert.ok(!html.includes('/future.js'), 'the podlet that cannot run is not loaded');
  assert.ok(warn.mock.calls.some((c) => String(c.arguments[0]).includes('PODMAP_ERR_NEED_UNSATISFIED')));
});

test('createLayout() - a podlet deploys a new version - the manifest is fetched again and the map follows', async (t) => {
  silence(t);
  const dir = await writePodletFolder(t, {
    name: '@podlets/moving',
    dependencies: { lit: '^3.0.0' },
    modules: { 'moving.js': "import 'lit';\n" },
  });
  let current = await createPodlet({ name: 'moving', packageDir: dir, entries: ['moving.js'], content: () => '<p>v1</p>' });
  let asked = 0;
  const manifests = new EventEmitter<{ asked: [] }>();
  // While set, a manifest request is held here unanswered: the refetch is then certainly running.
  let hold: Promise<void> | null = null;
  const url = await listen(t, async (req, res) => {
    if (req.url === '/manifest.json') {
      asked++;
      manifests.emit('asked');
      if (hold) await hold;
    }
    current.handle(req, res);
  });
  const { get, layout } = await page(t, { moving: `${url}manifest.json` });
  assert.match((await get()).html, /public@1\.0\.0\/moving\.js/);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(`${dir}/package.json`, JSON.stringify({ name: '@podlets/moving', version: '1.1.0', dependencies: { lit: '^3.0.0' } }));
  current = await createPodlet({ name: 'moving', packageDir: dir, entries: ['moving.js'], content: () => '<p>v2</p>' });
  let release = () => {};
  hold = new Promise<void>((resolve) => (release = resolve));
  const refetched = once(manifests, 'asked');
  const askedBefore = asked;
  await get(); // content says podlet-version 1.1.0: the layout refetches the manifest, on its own
  await refetched;
  // The podlet has the request and has not answered it (it is held above): refresh() hands back
  // that running refetch, which settles once the new state is in, and asks for nothing more.
  // (Without the hold, the refetch could finish before refresh() was called, which then rightly
  // fetched again: the cause of this test's rare failure.)
  const refreshing = layout.podlets.get('moving')!.refresh();
  hold = null;
  release();
  await refreshing;
  assert.equal(asked - askedBefore, 1, "one manifest request: the layout's own refetch");
  assert.match((await get()).html, /public@1\.1\.0\/moving\.js/);
});

test('createLayout() - a manifest with a javascript: asset URL - is refused as invalid (security)', async (t) => {
  silence(t);
  const evil = `${await listen(t, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name: 'evil', version: '1.0.0', content: '/', js: [{ value: 'javascript:alert(1)', type: 'module' }] }));
  })}manifest.json`;
  const { html } = await (await page(t, { evil })).get();
  assert.ok(!html.includes('javascript:'));
  assert.equal(section(html, 'evil')![1], ' data-fallback');
});

/** A podlet that exposes `@podlets/<name>/api.js` and imports `lit` at `range`. */
async function exposingPodlet(t: TestContext, name: string, range: string, version = '1.0.0') {
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    version,
    dependencies: { lit: range },
    modules: { 'entry.js': "import './api.js';\n", 'api.js': "import { LitElement } from 'lit';\nexport const api = 1;\n" },
  });
  const podlet = await createPodlet({
    name,
    packageDir: dir,
    entries: ['entry.js'],
    exposes: { [`@podlets/${name}/api.js`]: 'api.js' },
    content: () => `<p>${name}</p>`,
  });
  return `${await listen(t, podlet.handle)}manifest.json`;
}

/** A podlet that imports another podlet's exposed module by bare specifier. */
async function consumingPodlet(t: TestContext, name: string, provider: string, range: string) {
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    dependencies: { lit: '^3.1.0', [`@podlets/${provider}`]: range },
    modules: { [`${name}.js`]: `import 'lit';\nimport { api } from '@podlets/${provider}/api.js';\n` },
  });
  const podlet = await createPodlet({
    name,
    packageDir: dir,
    entries: [`${name}.js`],
    content: () => `<p>${name} content</p>`,
    fallback: () => `<p>${name} fallback</p>`,
  });
  return `${await listen(t, podlet.handle)}manifest.json`;
}

test('createLayout() - an exposed module of a podlet not on the page - is mapped, and runs with the versions that podlet needs', async (t) => {
  const provider = await exposingPodlet(t, 'provider', '^2.7.0'); // a lit 2 team
  const consumer = await consumingPodlet(t, 'consumer', 'provider', '^1.0.0');
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap,
    podlets: { provider, consumer },
    pages: { '/': { title: 'x', podlets: ['consumer'] } },
  });
  const base = await listen(t, layout.handle);
  const html = await (await fetch(base)).text();
  const map = mapOf(html);
  const api = new URL('public@1.0.0/api.js', provider).href;
  assert.equal(map.imports['@podlets/provider/api.js'], api);
  assert.match(resolveSpecifier(map, 'lit', api)!, /\/lit@2\./, 'the exposed module gets lit 2, as its podlet declared');
  assert.match(resolveSpecifier(map, 'lit', new URL('public@1.0.0/consumer.js', consumer).href)!, /\/lit@3\./);
  assert.match(section(html, 'consumer')![2]!, /consumer content/);
  assert.ok(html.includes(`href="${api}"`), 'the exposed module is preloaded');
});

test('createLayout() - a podlet needs an exposed package at a version nobody exposes - it gets its fallback', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const provider = await exposingPodlet(t, 'provider', '^3.1.0', '1.4.0');
  const consumer = await consumingPodlet(t, 'consumer', 'provider', '^2.0.0');
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap,
    podlets: { provider, consumer },
    pages: { '/': { title: 'x', podlets: ['provider', 'consumer'] } },
  });
  const html = await (await fetch(await listen(t, layout.handle))).text();
  assert.equal(section(html, 'consumer')![1], ' data-fallback');
  assert.match(section(html, 'provider')![2]!, /provider/);
  assert.ok(
    warn.mock.calls.some((c) => /PODMAP_ERR_NEED_UNSATISFIED.*@podlets\/provider@\^2\.0\.0.*exposes 1\.4\.0/.test(String(c.arguments[0]))),
  );
});

test('createLayout() - Accept-Encoding with q=0 - is honoured on pages: br;q=0 gets gzip, both refused gets identity', async (t) => {
  const good = await litPodlet(t, 'good');
  const { base } = await page(t, { good });
  const encodingFor = (accept: string) =>
    new Promise<string | undefined>((resolve, reject) => {
      request(base, { headers: { 'accept-encoding': accept } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['content-encoding']));
      })
        .on('error', reject)
        .end();
    });
  assert.equal(await encodingFor('br, gzip'), 'br');
  assert.equal(await encodingFor('br;q=0, gzip'), 'gzip');
  assert.equal(await encodingFor('br;q=0, gzip;q=0'), undefined);
  assert.equal(await encodingFor('identity'), undefined);
});

test('createLayout() - wrong options - throw coded TypeErrors and RangeErrors at start-up', () => {
  const valid: LayoutOptions = { cdnUrl: cdn.url, importMap, podlets: { good: 'http://127.0.0.1:9/manifest.json' }, pages: {} };
  const cases: Array<[Partial<LayoutOptions>, string, string]> = [
    [{ cdnUrl: 'ftp://cdn/' }, 'TypeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ podlets: { good: 'javascript:alert(1)' } }, 'TypeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ podlets: { '"><x': 'http://127.0.0.1:9/manifest.json' } }, 'TypeError', 'PODMAP_ERR_PODLET_NAME'],
    [{ timeoutMs: 0 }, 'RangeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ assetsTtlMs: Number.NaN }, 'RangeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ pages: { '/': { title: 'x', podlets: ['missing'] } } }, 'TypeError', 'PODMAP_ERR_CONFIG_UNKNOWN_PODLET'],
    [{ pages: { home: { title: 'x', podlets: [] } } }, 'TypeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ mode: 'turbo' as 'native' }, 'TypeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ circuitBreaker: { failureThreshold: 0 } }, 'RangeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ circuitBreaker: { probeIntervalMs: -5 } }, 'RangeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ circuitBreaker: { coolDownMs: 5000 } as LayoutOptions['circuitBreaker'] }, 'TypeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ circuitBreaker: 5 as LayoutOptions['circuitBreaker'] }, 'TypeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ maxPages: -1 }, 'RangeError', 'PODMAP_ERR_CONFIG_OPTION'],
    [{ cdnCacheSizes: { metadata: Number.POSITIVE_INFINITY } }, 'RangeError', 'PODMAP_ERR_CONFIG_OPTION'],
  ];
  for (const [change, name, code] of cases) {
    assert.throws(() => createLayout({ ...valid, ...change }), { name, code }, JSON.stringify(change));
  }
  assert.throws(() => createLayout({ ...valid, csp: { scriptSrc: ['https://a.example; script-src *'] } }), {
    code: 'PODMAP_ERR_CONFIG_CSP_SOURCE',
  });
});

test("createLayout() - close() - stops every podlet client's background work (their circuit breakers' probes)", (t) => {
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap,
    podlets: { one: 'http://127.0.0.1:9/manifest.json', two: 'http://127.0.0.1:9/manifest.json' },
    pages: {},
  });
  const closes = [...layout.podlets.values()].map((client) => t.mock.method(client, 'close'));
  layout.close();
  assert.deepEqual(
    closes.map((c) => c.mock.callCount()),
    [1, 1],
  );
});
