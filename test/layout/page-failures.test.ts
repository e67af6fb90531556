import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { publishInstalledPackages } from '../../runtime/cdn/index.ts';
import { resolveSpecifier } from '../../runtime/import-map/index.ts';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPageComposer } from '../../runtime/layout/assets/create-page-composer.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

// A real CDN on a private copy of the test store, with two packages published that a page
// cannot use: one whose dependency is not in the store (its map answers 409), and one whose
// module imports a package it does not depend on (like htm/preact importing preact).
let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
before(async () => {
  cdn = await startCdnWithLit({ copy: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-packages-'));
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  // An optional dependency that is not installed is skipped by the publisher but kept in the metadata.
  await write(
    'node_modules/needs-missing/package.json',
    JSON.stringify({
      name: 'needs-missing',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
      optionalDependencies: { 'not-in-store': '^1.0.0' },
    }),
  );
  await write('node_modules/needs-missing/index.js', "export default 'x';\n");
  await write(
    'node_modules/fake-htm/package.json',
    JSON.stringify({ name: 'fake-htm', version: '3.1.1', type: 'module', exports: { '.': './index.js', './preact': './preact/index.js' } }),
  );
  await write('node_modules/fake-htm/index.js', 'export const html = 1;\n');
  await write('node_modules/fake-htm/preact/index.js', "import { h } from 'fake-preact';\nexport { h };\n");
  await publishInstalledPackages(cdn.storeDir, dir, ['needs-missing', 'fake-htm']);
  await rm(dir, { recursive: true, force: true });
});
after(() => cdn.close());

/** A podlet whose one module imports `imports`, with package.json dependencies `dependencies`. */
async function podlet(t: TestContext, name: string, imports: string[], dependencies: Record<string, string>) {
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    dependencies,
    modules: { [`${name}.js`]: imports.map((s) => `import '${s}';\n`).join('') },
  });
  const created = await createPodlet({
    name,
    packageDir: dir,
    entries: [`${name}.js`],
    content: () => `<p>${name} content</p>`,
    fallback: () => `<p>${name} fallback</p>`,
  });
  return `${await listen(t, created.handle)}manifest.json`;
}

async function page(t: TestContext, podlets: Record<string, string>) {
  const warn = t.mock.method(console, 'warn', () => {});
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: { lit: './npm/lit@3/index.js' } },
    podlets,
    pages: { '/': { title: 'x', podlets: Object.keys(podlets) } },
  });
  const html = await (await fetch(await listen(t, layout.handle))).text();
  const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]!);
  return { html, map, logs: () => warn.mock.calls.map((c) => String(c.arguments[0])) };
}

const isFallback = (html: string, name: string) => new RegExp(`data-podlet="${name}" data-fallback>`).test(html);

test('createLayout() - a podlet needing a package with an invalid name - only it gets its fallback, with the CDN code in the log', async (t) => {
  const good = await podlet(t, 'good', ['lit'], { lit: '^3.1.0' });
  const bad = await podlet(t, 'bad', ['lit', 'Not A Valid Name'], { lit: '^3.1.0', 'Not A Valid Name': '^1.0.0' });
  const { html, map, logs } = await page(t, { good, bad });
  assert.ok(isFallback(html, 'bad') && !isFallback(html, 'good'));
  assert.match(html, /good content/);
  assert.match(map.imports.lit, /\/npm\/lit@3\./, 'the map is not empty');
  assert.ok(
    logs().some((l) => /^podmap: podlet "bad": PODMAP_ERR_CDN_REFUSED: .*\(CDN said PODMAP_ERR_CDN_BAD_NAME/.test(l)),
    logs().join('\n'),
  );
  assert.ok(!logs().some((l) => l.includes('PODMAP_ERR_CDN_UNREACHABLE')));
});

test("createLayout() - a podlet needing a package whose map the CDN refuses (409) - only it gets its fallback, logged with the CDN's code", async (t) => {
  const good = await podlet(t, 'good', ['lit'], { lit: '^3.1.0' });
  const needy = await podlet(t, 'needy', ['needs-missing'], { 'needs-missing': '^1.0.0' });
  const { html, logs } = await page(t, { good, needy });
  assert.ok(isFallback(html, 'needy') && !isFallback(html, 'good'));
  assert.ok(
    logs().some((l) => /^podmap: podlet "needy": PODMAP_ERR_CDN_REFUSED: .*CDN said PODMAP_ERR_CDN_DEPENDENCY_MISSING/.test(l)),
    logs().join('\n'),
  );
  assert.ok(!logs().some((l) => l.includes('CDN_UNREACHABLE')));
});

test('createLayout() - a module importing a package nothing on the page provides - only its podlet gets its fallback', async (t) => {
  const good = await podlet(t, 'good', ['lit'], { lit: '^3.1.0' });
  const htmy = await podlet(t, 'htmy', ['fake-htm/preact'], { 'fake-htm': '^3.0.0' });
  const { html, map, logs } = await page(t, { good, htmy });
  assert.ok(isFallback(html, 'htmy') && !isFallback(html, 'good'));
  assert.equal(map.imports['fake-htm/preact'], undefined);
  assert.ok(
    logs().some((l) =>
      // The module is the package's own file, or its browser build (+/…) where the CDN makes one.
      /^podmap: podlet "htmy": PODMAP_ERR_SPECIFIER_UNRESOLVED: .*"fake-preact" imported by http:\/\/127\.0\.0\.1:\d+\/npm\/fake-htm@3\.1\.1\/\S+\.js \(nothing on the page provides fake-preact/.test(
        l,
      ),
    ),
    logs().join('\n'),
  );
});

test('createLayout() - a lit page - writes only the entries its graph resolves through, and each of its imports still resolves', async (t) => {
  const alpha = await podlet(t, 'alpha', ['lit'], { lit: '^3.1.0' });
  const { map, html } = await page(t, { alpha });
  // lit's graph reaches lit-html and lit-element through bare specifiers; nothing imports lit/… deep paths.
  assert.equal(map.imports['lit/'], undefined);
  assert.ok(map.imports['lit-html'] && map.imports['@lit/reactive-element']);
  assert.equal(map.scopes, undefined);
  const preloads = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
  for (const url of preloads) assert.ok(url.startsWith('http'), url);
  assert.ok(
    Object.keys(map.integrity).every((u) => preloads.includes(u)),
    'integrity only for modules the page loads',
  );
  assert.match(resolveSpecifier(map, 'lit', preloads[0]!)!, /\/npm\/lit@3\./);
});

test('createPageComposer() - assets older than assetsTtlMs - are served while one rebuild runs in the background', async (t) => {
  const alpha = await podlet(t, 'alpha', ['lit'], { lit: '^3.1.0' });
  // The ttl passes on the test's clock; the rebuild is real work, waited for turn by turn of the event loop.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const composer = createPageComposer({ cdnUrl: cdn.url, importMap: { imports: {} }, podlets: { alpha }, assetsTtlMs: 30 });
  await composer.ensureManifests();
  const first = await composer.assetsFor(['alpha']);
  t.mock.timers.tick(30);
  // Stale now: every request until the rebuild is done gets the old assets at once.
  const during = await Promise.all([composer.assetsFor(['alpha']), composer.assetsFor(['alpha']), composer.assetsFor(['alpha'])]);
  for (const assets of during) assert.equal(assets, first);
  // The clock stands still from here, so no second rebuild can start: the first one replaces
  // them, or fails, which the cache logs (and the wait ends on).
  const failed = t.mock.method(console, 'error', () => {});
  let next = first;
  while (next === first && failed.mock.callCount() === 0) {
    await new Promise((resolve) => setImmediate(resolve));
    next = await composer.assetsFor(['alpha']);
  }
  assert.deepEqual(
    failed.mock.calls.map((c) => c.arguments),
    [],
    'the rebuild did not fail',
  );
  assert.notEqual(next, first, 'the rebuilt assets replace the old ones');
  assert.deepEqual(next.map, first.map);
});

test('createLayout() - a manifest whose content or fallback URL is on another host - is refused as invalid; the podlet gets its fallback (security)', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const elsewhere = await listen(t, (_req, res) => res.end('<p>another host answered</p>'));
  for (const field of ['content', 'fallback']) {
    const manifest = {
      name: 'stray',
      version: '1.0.0',
      content: '/',
      fallback: '/fallback',
      js: [],
      css: [],
      proxy: {},
      [field]: `${elsewhere}${field}`,
    };
    const stray = `${await listen(t, (req, res) => {
      if (req.url === '/manifest.json') return void res.setHeader('content-type', 'application/json').end(JSON.stringify(manifest));
      if (req.url === '/podmap.json') return void res.writeHead(404).end();
      res.end(req.url === '/fallback' ? '<p>own fallback</p>' : '<p>own content</p>');
    })}manifest.json`;
    const layout = createLayout({
      cdnUrl: cdn.url,
      importMap: { imports: {} },
      podlets: { stray },
      pages: { '/': { title: 't', podlets: ['stray'] } },
    });
    const html = await (await fetch(await listen(t, layout.handle))).text();
    assert.doesNotMatch(html, /another host answered/, `${field}: nothing from the other host reaches the page`);
    assert.match(html, /data-podlet="stray" data-fallback/, field);
    const warnings = (console.warn as unknown as { mock: { calls: Array<{ arguments: unknown[] }> } }).mock.calls.map((c) =>
      String(c.arguments[0]),
    );
    assert.ok(
      warnings.some((w) => w.includes('PODMAP_ERR_MANIFEST_INVALID') && w.includes("is not on the podlet's origin")),
      warnings.join('\n'),
    );
  }
});

test('createLayout() - the CDN answering 503 - every page is served with fallbacks, the CDN is asked once per back-off, not once per page, and the failure is logged once', async (t) => {
  const error = t.mock.method(console, 'error', () => {});
  // The clock stands still, so the 50 pages fall inside the first back-off (1 s) however slowly a
  // loaded machine serves them; on a real clock a busy CI machine once took longer, built twice and logged twice.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  let cdnRequests = 0;
  const deadCdn = await listen(t, (_req, res) => {
    cdnRequests++;
    res.writeHead(503).end();
  });
  const good = await podlet(t, 'good', ['lit'], { lit: '^3.1.0' });
  const layout = createLayout({
    cdnUrl: deadCdn,
    importMap: { imports: {} },
    podlets: { good },
    pages: { '/': { title: 'x', podlets: ['good'] } },
  });
  const base = await listen(t, layout.handle);
  for (let i = 0; i < 50; i++) {
    const response = await fetch(base);
    assert.equal(response.status, 200);
    assert.ok(isFallback(await response.text(), 'good'));
  }
  assert.ok(cdnRequests <= 2, `${cdnRequests} CDN requests for 50 pages inside one back-off`);
  const pageErrors = error.mock.calls.map((c) => String(c.arguments[0])).filter((l) => l.startsWith('podmap: page of good:'));
  assert.equal(pageErrors.length, 1, pageErrors.join('\n'));
  assert.match(pageErrors[0]!, /PODMAP_ERR_CDN_UNREACHABLE/);
});
