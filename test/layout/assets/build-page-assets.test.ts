import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { resolveSpecifier, type ImportMap } from '../../../runtime/import-map/index.ts';
import { buildPageAssets } from '../../../runtime/layout/assets/build-page-assets.ts';
import type { PodletClient } from '../../../runtime/layout/podlets/create-podlet-client.ts';
import { checkImportMap } from '../../import-map/check-import-map.ts';
import { fakeCdn, fakePodlet, rootOf, type FakeError, type FakeVersion } from '../fake-cdn.ts';

// A small CDN: ui 3 on core 1 and ui 2 on core 0.9 (two majors side by side), a date library
// with many entry points, htm whose preact module imports preact without depending on it, a
// preact with a browser build, and a package with a dynamic import.
const dateFns = Array.from({ length: 40 }, (_, n) => `fn${n}`);
const packages: Record<string, Record<string, FakeVersion>> = {
  ui: {
    '3.0.0': {
      files: { 'index.js': ['core', './part.js'], 'part.js': [], 'extra.js': ['core/deep.js'] },
      exports: { ui: 'index.js', 'ui/': '', 'ui/extra.js': 'extra.js' },
      dependencies: { core: '^1.0.0' },
    },
    '2.0.0': { files: { 'index.js': ['core'] }, exports: { ui: 'index.js', 'ui/': '' }, dependencies: { core: '^0.9.0' } },
  },
  core: {
    '1.0.0': { files: { 'core.js': [], 'deep.js': [] }, exports: { core: 'core.js', 'core/': '' } },
    '0.9.0': { files: { 'core.js': [] }, exports: { core: 'core.js', 'core/': '' } },
  },
  dates: {
    '4.0.0': {
      files: {
        'index.js': dateFns.map((fn) => `./${fn}.js`),
        '_lib.js': [],
        ...Object.fromEntries(dateFns.map((fn) => [`${fn}.js`, ['./_lib.js']])),
      },
      exports: { dates: 'index.js', ...Object.fromEntries(dateFns.map((fn) => [`dates/${fn}`, `${fn}.js`])) },
    },
  },
  htm: {
    '3.0.0': { files: { 'index.js': [], 'preact/index.js': ['preact'] }, exports: { htm: 'index.js', 'htm/preact': 'preact/index.js' } },
  },
  preact: {
    '10.0.0': {
      files: { '+/index.js': [], '+/hooks.js': ['preact'] },
      exports: { preact: '+/index.js', 'preact/hooks': '+/hooks.js' },
      build: {
        entries: { '.': '+/index.js', './hooks': '+/hooks.js' },
        unavailable: { './compat/server': 'imports the Node built-in "stream"' },
      },
    },
  },
  lazy: { '1.0.0': { files: { 'index.js': ['later'] }, exports: { lazy: 'index.js' }, dependencies: { later: '^1.0.0' } } },
  later: { '1.0.0': { files: { 'index.js': [] }, exports: { later: 'index.js', 'later/': '' } } },
};

const alpha = () =>
  fakePodlet('alpha', {
    needs: { ui: '^3.0.0', dates: '^4.0.0' },
    modules: { 'alpha.js': ['ui', 'dates/fn3', './util.js'], 'util.js': [] },
  });
const beta = () =>
  fakePodlet('beta', {
    needs: { ui: '^3.0.0' },
    modules: { 'beta.js': ['ui/extra.js'], 'api.js': ['ui'] },
    exposes: { '@podlets/beta/api.js': 'api.js' },
  });
const old = (imports = ['ui']) => fakePodlet('old', { needs: { ui: '^2.0.0' }, modules: { 'old.js': imports } });

async function build(
  t: TestContext,
  podlets: PodletClient[],
  options: { errors?: Record<string, FakeError>; globalMap?: ImportMap; page?: string[]; keepFullMap?: boolean } = {},
) {
  const warn = t.mock.method(console, 'warn', () => {});
  const cdn = fakeCdn(packages, options.errors);
  const page = options.page ?? podlets.map((p) => p.name);
  const assets = await buildPageAssets({
    globalMap: options.globalMap ?? { imports: {} },
    cdn,
    pagePodlets: podlets.filter((p) => page.includes(p.name)),
    allPodlets: podlets,
    keepFullMap: options.keepFullMap,
  });
  const logs = warn.mock.calls.map((c) => String(c.arguments[0]));
  return { assets, map: assets.map, preloads: assets.preloads.map((p) => p.href), logs, cdn };
}

test('buildPageAssets() - a page - writes only the map entries its modules use, with integrity for its graph only', async (t) => {
  const { map, preloads, assets } = await build(t, [alpha(), beta()]);
  assert.deepEqual(Object.keys(map.imports), ['@podlets/beta/api.js', 'core', 'core/', 'dates/fn3', 'ui', 'ui/extra.js']);
  assert.equal(map.scopes, undefined);
  assert.deepEqual(checkImportMap(map), []);
  assert.ok(preloads.includes(`${rootOf('dates', '4.0.0')}fn3.js`) && preloads.includes(`${rootOf('dates', '4.0.0')}_lib.js`));
  assert.ok(!preloads.some((u) => u.endsWith('/fn4.js')));
  assert.ok(!preloads.includes('http://beta.test/public@1.0.0/api.js'), 'an exposed module nobody imports is mapped, not preloaded');
  assert.ok(map.integrity![`${rootOf('dates', '4.0.0')}fn3.js`]);
  assert.equal(map.integrity![`${rootOf('dates', '4.0.0')}fn4.js`], undefined);
  assert.equal(assets.fallbackOnly.size, 0);
});

test('buildPageAssets() - a podlet on another major - gets scopes with only what its graph reaches', async (t) => {
  const { map } = await build(t, [alpha(), old()]);
  assert.deepEqual(map.scopes, {
    [rootOf('ui', '2.0.0')]: { core: `${rootOf('core', '0.9.0')}core.js` },
    'http://old.test/public@1.0.0/': { ui: `${rootOf('ui', '2.0.0')}index.js` },
  });
  assert.equal(
    resolveSpecifier(map, 'core', resolveSpecifier(map, 'ui', 'http://old.test/public@1.0.0/old.js')!),
    `${rootOf('core', '0.9.0')}core.js`,
  );
  assert.deepEqual(checkImportMap(map), []);
});

test('buildPageAssets() - keepFullMap (a layout with overrides on) - keeps the untrimmed map beside the trimmed one; without, only the trimmed one', async (t) => {
  const { assets } = await build(t, [alpha(), old()], { keepFullMap: true });
  const full = assets.fullMap!;
  assert.ok(full, 'the untrimmed map is kept');
  assert.ok(!assets.map.imports['dates/fn4'], 'the trimmed map has only what the graph uses');
  assert.equal(full.imports['dates/fn4'], `${rootOf('dates', '4.0.0')}fn4.js`, 'the untrimmed map has every entry of the planned versions');
  assert.equal(full.integrity, undefined, 'integrity stays the trimmed map’s');
  for (const [specifier, url] of Object.entries(assets.map.imports)) assert.equal(full.imports[specifier], url, specifier);
  assert.ok(assets.map.scopes, 'the case needs scopes');
  for (const [scope, entries] of Object.entries(assets.map.scopes))
    for (const [specifier, url] of Object.entries(entries)) assert.equal(full.scopes?.[scope]?.[specifier], url, `${scope} ${specifier}`);
  assert.deepEqual(checkImportMap(full), []);
  const { assets: trimmedOnly } = await build(t, [alpha(), old()]);
  assert.equal(trimmedOnly.fullMap, undefined);
});

test('buildPageAssets() - an exposed module no page module imports - stays mapped, and so do its own imports', async (t) => {
  // gamma needs beta's package, so beta takes part in the plan though gamma imports nothing of it yet.
  const gamma = fakePodlet('gamma', { needs: { '@podlets/beta': '^1.0.0' }, modules: { 'gamma.js': [] } });
  const { map } = await build(t, [gamma, beta()], { page: ['gamma'] });
  assert.equal(map.imports['@podlets/beta/api.js'], 'http://beta.test/public@1.0.0/api.js');
  assert.equal(map.imports.ui, `${rootOf('ui', '3.0.0')}index.js`);
});

test('buildPageAssets() - the global import map - keeps its entries mapped, with their own imports, and preloads nothing for them', async (t) => {
  const { map, preloads } = await build(t, [beta()], { globalMap: { imports: { dates: './npm/dates@4/index.js' } } });
  assert.equal(map.imports.dates, `${rootOf('dates', '4.0.0')}index.js`);
  assert.ok(!preloads.some((u) => u.includes('/dates@')));
});

test('buildPageAssets() - an import of a file the CDN does not have - maps it but writes no preload for it', async (t) => {
  const { map, preloads } = await build(t, [
    fakePodlet('delta', { needs: { ui: '^3.0.0' }, modules: { 'delta.js': ['ui/missing.js', 'ui/part.js'] } }),
  ]);
  assert.ok(map.imports['ui/']);
  assert.ok(preloads.includes(`${rootOf('ui', '3.0.0')}part.js`));
  assert.ok(!preloads.includes(`${rootOf('ui', '3.0.0')}missing.js`));
});

test('buildPageAssets() - CDN modules with dynamic imports - get map entries for them too', async (t) => {
  const { map } = await build(t, [fakePodlet('epsilon', { needs: { lazy: '^1.0.0' }, modules: { 'e.js': ['lazy'] } })]);
  assert.deepEqual(Object.keys(map.imports), ['later', 'lazy']);
});

test('buildPageAssets() - a 400 for one package (an invalid name) - puts only the podlets that need it on their fallbacks', async (t) => {
  const bad = fakePodlet('bad', {
    needs: { 'Not A Valid Name': '^1.0.0', ui: '^3.0.0' },
    modules: { 'bad.js': ['ui', 'Not A Valid Name'] },
  });
  const { assets, logs } = await build(t, [alpha(), bad], {
    errors: { 'versions:Not A Valid Name': { status: 400, code: 'PODMAP_ERR_CDN_BAD_NAME' } },
  });
  assert.deepEqual([...assets.fallbackOnly.keys()], ['bad']);
  assert.equal(assets.fallbackOnly.get('bad')!.code, 'PODMAP_ERR_CDN_REFUSED');
  assert.ok(assets.map.imports.ui && assets.map.imports['dates/fn3'], 'the rest of the page is composed');
  assert.ok(!assets.scripts.some((s) => s.src.startsWith('http://bad.test/')));
  assert.ok(
    logs.some((l) =>
      /^podmap: podlet "bad": PODMAP_ERR_CDN_REFUSED: .*\(CDN said PODMAP_ERR_CDN_BAD_NAME: .*needed: Not A Valid Name@\^1\.0\.0/.test(l),
    ),
    logs.join('\n'),
  );
});

test('buildPageAssets() - a 409 for the map of a chosen version - puts the podlets that got that version on their fallbacks and plans again', async (t) => {
  const { assets, logs, map } = await build(t, [alpha(), old()], {
    errors: { 'map:ui@2.0.0': { status: 409, code: 'PODMAP_ERR_CDN_DEPENDENCY_MISSING' } },
  });
  assert.deepEqual([...assets.fallbackOnly.keys()], ['old']);
  assert.equal(map.scopes, undefined, 'ui 2 left the page with its podlet');
  assert.ok(
    logs.some((l) => /^podmap: podlet "old": PODMAP_ERR_CDN_REFUSED: .*CDN said PODMAP_ERR_CDN_DEPENDENCY_MISSING.*ui@2\.0\.0/.test(l)),
  );
  assert.ok(!logs.some((l) => l.includes('PODMAP_ERR_CDN_UNREACHABLE')));
});

test('buildPageAssets() - a 5xx or a network failure of the CDN - rejects for the whole page with PODMAP_ERR_CDN_UNREACHABLE', async (t) => {
  await assert.rejects(build(t, [alpha()], { errors: { 'map:dates@4.0.0': { status: 503, code: 'x' } } }), {
    code: 'PODMAP_ERR_CDN_UNREACHABLE',
  });
  await assert.rejects(build(t, [alpha()], { errors: { 'versions:ui': { status: 500, code: 'x' } } }), {
    code: 'PODMAP_ERR_CDN_UNREACHABLE',
  });
});

test('buildPageAssets() - a transitive import nobody provides - puts that podlet on its fallback with PODMAP_ERR_SPECIFIER_UNRESOLVED', async (t) => {
  const htmy = fakePodlet('htmy', { needs: { htm: '^3.0.0' }, modules: { 'h.js': ['htm/preact'] } });
  const { assets, logs, map } = await build(t, [alpha(), htmy]);
  assert.deepEqual([...assets.fallbackOnly.keys()], ['htmy']);
  const error = assets.fallbackOnly.get('htmy')!;
  assert.equal(error.code, 'PODMAP_ERR_SPECIFIER_UNRESOLVED');
  assert.match(
    error.message,
    /"preact" imported by http:\/\/cdn\.test\/npm\/htm@3\.0\.0\/preact\/index\.js \(nothing on the page provides preact/,
  );
  assert.equal(map.imports.htm, undefined, 'planned again without it');
  assert.equal(map.imports['htm/preact'], undefined);
  assert.ok(logs.some((l) => l.startsWith('podmap: podlet "htmy": PODMAP_ERR_SPECIFIER_UNRESOLVED: ')));
});

test("buildPageAssets() - an entry the CDN's build marked unavailable - names the podlet, specifier, importer and the CDN's reason", async (t) => {
  const preacty = fakePodlet('preacty', { needs: { preact: '^10.0.0' }, modules: { 'p.js': ['preact/hooks', 'preact/compat/server'] } });
  const { assets } = await build(t, [preacty]);
  assert.match(
    assets.fallbackOnly.get('preacty')!.message,
    /"preact\/compat\/server" imported by http:\/\/preacty\.test\/public@1\.0\.0\/p\.js \(the CDN has no browser build of preact@10\.0\.0 "\.\/compat\/server": imports the Node built-in "stream"\)/,
  );
});

test('buildPageAssets() - an exposer left out for an unresolved import - takes the podlets that need its package with it', async (t) => {
  const provider = fakePodlet('provider', {
    needs: {},
    modules: { 'p.js': [], 'api.js': ['nobody-has-this'], 'ok.js': [] },
    exposes: { '@podlets/provider/api.js': 'api.js', '@podlets/provider/ok.js': 'ok.js' },
  });
  // The consumer imports only the module that works, but needs a podlet that cannot run.
  const consumer = fakePodlet('consumer', {
    needs: { '@podlets/provider': '^1.0.0', ui: '^3.0.0' },
    modules: { 'c.js': ['@podlets/provider/ok.js', 'ui'] },
  });
  const { assets, map } = await build(t, [alpha(), provider, consumer], { page: ['alpha', 'consumer'] });
  assert.equal(assets.fallbackOnly.get('provider')!.code, 'PODMAP_ERR_SPECIFIER_UNRESOLVED');
  assert.equal(assets.fallbackOnly.get('consumer')!.code, 'PODMAP_ERR_NEED_UNSATISFIED');
  assert.equal(map.imports['@podlets/provider/api.js'], undefined);
  assert.ok(map.imports['dates/fn3']);
});

test('buildPageAssets() - several problems - each is logged once, and every line carries a code', async (t) => {
  const htmy = fakePodlet('htmy', { needs: { htm: '^3.0.0' }, modules: { 'h.js': ['htm/preact'] } });
  const future = fakePodlet('future', { needs: { ui: '^9.0.0' }, modules: { 'f.js': ['ui'] } });
  const { logs } = await build(t, [alpha(), old(['ui', 'zzz']), htmy, future], {
    globalMap: { imports: { core: './npm/core@7/core.js' } },
  });
  assert.ok(logs.length >= 4, logs.join('\n'));
  for (const line of logs) assert.match(line, /^podmap: (podlet "[a-z]+"|import-map\.json): PODMAP_ERR_[A-Z_]+: /);
  assert.equal(new Set(logs).size, logs.length, 'no line twice');
});
