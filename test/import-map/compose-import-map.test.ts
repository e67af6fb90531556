import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeImportMap, packageRootOf, planVersions, sortImportMap, type ImportMap } from '../../runtime/import-map/index.ts';
import { resolveSpecifier } from '../../runtime/import-map/resolve-specifier.ts';
import { checkImportMap } from './check-import-map.ts';
import { CDN, composePage, demoPodlets, fakeIntegrity, litPackageMaps, podlet, root } from './fixtures.ts';

const lit3 = root('lit', '3.3.3');
const lit2 = root('lit', '2.8.0');
const geoModule = 'http://127.0.0.1:7400/static/geo.js';
const headerModule = 'http://127.0.0.1:7100/static/header.js';
const global = [{ podlet: null, pkg: 'lit', range: '3.x' }];

test('composeImportMap() - two podlets in one major on different minors - map both to the newest 3.x', () => {
  const { map, issues } = composePage([podlet('header', 7100, { lit: '^3.1.0' }), podlet('search', 7600, { lit: '^3.3.0' })]);
  assert.deepEqual(issues, []);
  assert.equal(map.imports.lit, `${lit3}index.js`);
  assert.equal(map.scopes, undefined);
  for (const from of [headerModule, 'http://127.0.0.1:7600/static/search.js']) {
    assert.equal(resolveSpecifier(map, 'lit', from), `${lit3}index.js`);
    assert.equal(resolveSpecifier(map, 'lit/decorators.js', from), `${lit3}decorators.js`);
  }
  assert.deepEqual(checkImportMap(map), []);
});

test('composeImportMap() - one podlet on another major - scopes lit and its transitive packages to its base URL', () => {
  const { map } = composePage(demoPodlets(), { global });
  assert.equal(map.imports.lit, `${lit3}index.js`);
  assert.deepEqual(map.scopes!['http://127.0.0.1:7400/static/'], {
    '@lit/reactive-element': `${root('@lit/reactive-element', '1.6.3')}reactive-element.js`,
    '@lit/reactive-element/': root('@lit/reactive-element', '1.6.3'),
    lit: `${lit2}index.js`,
    'lit-element': `${root('lit-element', '3.3.3')}index.js`,
    'lit-element/': root('lit-element', '3.3.3'),
    'lit-html': `${root('lit-html', '2.8.0')}lit-html.js`,
    'lit-html/': root('lit-html', '2.8.0'),
    'lit/': lit2,
  });
  // No other podlet gets a scope: they all share top-level lit 3.
  for (const port of [7100, 7200, 7300, 7500, 7600]) assert.equal(map.scopes![`http://127.0.0.1:${port}/static/`], undefined);
  assert.deepEqual(checkImportMap(map), []);
});

test('composeImportMap() - two majors side by side - each copy of lit resolves its own internal imports', () => {
  const { map } = composePage(demoPodlets(), { global });
  // geo's own modules get lit 2 …
  assert.equal(resolveSpecifier(map, 'lit', geoModule), `${lit2}index.js`);
  assert.equal(resolveSpecifier(map, 'lit/decorators.js', geoModule), `${lit2}decorators.js`);
  // … and lit 2's modules, which live on the CDN and not under geo's base, get lit 2's closure.
  assert.equal(resolveSpecifier(map, 'lit-html', `${lit2}index.js`), `${root('lit-html', '2.8.0')}lit-html.js`);
  assert.equal(resolveSpecifier(map, 'lit-element/lit-element.js', `${lit2}index.js`), `${root('lit-element', '3.3.3')}lit-element.js`);
  assert.equal(
    resolveSpecifier(map, 'lit-html', `${root('lit-element', '3.3.3')}lit-element.js`),
    `${root('lit-html', '2.8.0')}lit-html.js`,
  );
  assert.equal(
    resolveSpecifier(map, '@lit/reactive-element', `${root('lit-element', '3.3.3')}lit-element.js`),
    `${root('@lit/reactive-element', '1.6.3')}reactive-element.js`,
  );
  assert.equal(
    resolveSpecifier(map, 'lit-html/is-server.js', `${root('lit-html', '2.8.0')}directive.js`),
    `${root('lit-html', '2.8.0')}is-server.js`,
  );
  // The lit 3 side is untouched.
  assert.equal(resolveSpecifier(map, 'lit', headerModule), `${lit3}index.js`);
  assert.equal(resolveSpecifier(map, 'lit-html', `${lit3}index.js`), `${root('lit-html', '3.3.3')}lit-html.js`);
  assert.equal(
    resolveSpecifier(map, 'lit-html', `${root('lit-element', '4.2.2')}lit-element.js`),
    `${root('lit-html', '3.3.3')}lit-html.js`,
  );
  // The shared ssr-dom-shim is one copy for both.
  assert.equal(
    resolveSpecifier(map, '@lit-labs/ssr-dom-shim', `${root('@lit/reactive-element', '1.6.3')}reactive-element.js`),
    `${root('@lit-labs/ssr-dom-shim', '1.6.0')}index.js`,
  );
});

test('composeImportMap() - most podlets on the older major - keep it top-level and scope the newer one', () => {
  const podlets = [
    podlet('geo', 7400, { lit: '^2.7.0' }),
    podlet('maps', 7700 + 1, { lit: '^2.0.0' }),
    podlet('header', 7100, { lit: '^3.1.0' }),
  ];
  const { map } = composePage(podlets, { global });
  assert.equal(map.imports.lit, `${lit2}index.js`);
  assert.equal(map.imports['lit-html'], `${root('lit-html', '2.8.0')}lit-html.js`);
  assert.equal(resolveSpecifier(map, 'lit', headerModule), `${lit3}index.js`);
  assert.equal(resolveSpecifier(map, 'lit-html', `${lit3}index.js`), `${root('lit-html', '3.3.3')}lit-html.js`);
  assert.equal(resolveSpecifier(map, 'lit-html', `${lit2}index.js`), `${root('lit-html', '2.8.0')}lit-html.js`);
});

test('composeImportMap() - a podlet exposing a module - becomes a top-level import of its URL', () => {
  const { map, issues } = composePage(demoPodlets(), { global });
  assert.deepEqual(issues, []);
  assert.equal(map.imports['@podlets/auth/session.js'], 'http://127.0.0.1:7300/static/session.js');
  // Header imports it by bare specifier; the module itself runs with auth's versions (lit 3).
  assert.equal(resolveSpecifier(map, '@podlets/auth/session.js', headerModule), 'http://127.0.0.1:7300/static/session.js');
  assert.equal(resolveSpecifier(map, 'lit', 'http://127.0.0.1:7300/static/session.js'), `${lit3}index.js`);
});

test('composeImportMap() - exposers not on this page - still map what they expose', () => {
  const [header] = demoPodlets();
  const auth = demoPodlets()[2]!;
  const { map } = composePage([header!], { exposers: [header!, auth] });
  assert.equal(map.imports['@podlets/auth/session.js'], 'http://127.0.0.1:7300/static/session.js');
});

test('composeImportMap() - two podlets exposing one specifier - report PODMAP_ERR_EXPOSE_CONFLICT; the first name keeps it', () => {
  const auth = podlet('auth', 7300, {}, { '@podlets/shared/session.js': 'session.js' });
  const accounts = podlet('accounts', 7800, {}, { '@podlets/shared/session.js': 'session.js', '@podlets/accounts/me.js': 'me.js' });
  for (const order of [
    [auth, accounts],
    [accounts, auth],
  ]) {
    const { map, issues } = composePage(order);
    assert.equal(map.imports['@podlets/shared/session.js'], 'http://127.0.0.1:7800/static/session.js');
    assert.equal(map.imports['@podlets/accounts/me.js'], 'http://127.0.0.1:7800/static/me.js');
    assert.deepEqual(
      issues.map((i) => [i.code, i.podlet]),
      [['PODMAP_ERR_EXPOSE_CONFLICT', 'auth']],
    );
    assert.match(issues[0]!.detail, /@podlets\/shared\/session\.js/);
  }
});

test('composeImportMap() - conflicting exposes listed in any order - give the issues in one order', () => {
  const a = podlet('auth', 7300, {}, { '@shared/a.js': 'a.js', '@shared/b.js': 'b.js' });
  const b = podlet('image', 7500, {}, { '@shared/b.js': 'b.js', '@shared/a.js': 'a.js' });
  const reordered = { ...b, exposes: { '@shared/a.js': b.exposes['@shared/a.js']!, '@shared/b.js': b.exposes['@shared/b.js']! } };
  assert.deepEqual(composePage([a, b]).issues, composePage([reordered, a]).issues);
  assert.deepEqual(
    composePage([a, b]).issues.map((i) => i.detail.split(' ')[0]),
    ['@shared/a.js', '@shared/b.js'],
  );
});

test('composeImportMap() - an exposed specifier that a CDN package already maps - is a conflict, the package keeps it', () => {
  const rogue = podlet('rogue', 7900, { lit: '^3.1.0' }, { lit: 'my-lit.js' });
  const { map, issues } = composePage([rogue]);
  assert.equal(map.imports.lit, `${lit3}index.js`);
  assert.deepEqual(
    issues.map((i) => [i.code, i.podlet]),
    [['PODMAP_ERR_EXPOSE_CONFLICT', 'rogue']],
  );
});

test('composeImportMap() - an unsatisfiable need - is reported by the plan and maps nothing for it', () => {
  const { plan, map } = composePage([podlet('header', 7100, { lit: '^3.1.0' }), podlet('future', 7900, { lit: '^5.0.0' })]);
  assert.deepEqual(plan.unsatisfied, [{ podlet: 'future', pkg: 'lit', range: '^5.0.0' }]);
  assert.equal(map.scopes, undefined);
  assert.equal(resolveSpecifier(map, 'lit', 'http://127.0.0.1:7900/static/x.js'), `${lit3}index.js`);
});

test('composeImportMap() - two majors - integrity holds every CDN module of both closures', () => {
  const { map } = composePage(demoPodlets(), { global });
  const maps = litPackageMaps();
  const expected = { ...maps['lit@3.3.3']!.integrity, ...maps['lit@2.8.0']!.integrity, ...maps['@podmap/browser@0.1.0']!.integrity };
  assert.deepEqual(map.integrity, expected);
  assert.equal(map.integrity![`${lit2}decorators.js`], fakeIntegrity(`${lit2}decorators.js`));
  // Nothing from a version that is not on the page (lit 3.1.0's map was available, not chosen).
  assert.ok(!Object.keys(map.integrity!).some((url) => url.includes('lit@3.1.0')));
});

test('composeImportMap() - podlets in any order - give a byte-identical map', () => {
  const podlets = demoPodlets();
  const expected = JSON.stringify(composePage(podlets, { global }).map);
  assert.equal(JSON.stringify(composePage([...podlets].reverse(), { global }).map), expected);
  assert.equal(
    JSON.stringify(composePage([podlets[3]!, podlets[0]!, podlets[5]!, podlets[1]!, podlets[4]!, podlets[2]!], { global }).map),
    expected,
  );
});

/*
 * A closure where the CDN's package map itself has a scope: a@2 depends on b ^2 and c ^1, and
 * c@1 depends on b ^1, so the CDN maps b → b@2 in imports and b → b@1 in a scope for c@1's root.
 * a@3 depends on b ^3 only.
 */
const url = (pkg: string, version: string) => `${CDN}npm/${pkg}@${version}/index.js`;
const entries = (pkg: string, version: string) => ({ [pkg]: url(pkg, version), [`${pkg}/`]: `${CDN}npm/${pkg}@${version}/` });
const closureMaps: Record<string, ImportMap> = {
  'a@3.0.0': { imports: { ...entries('a', '3.0.0'), ...entries('b', '3.0.0') }, scopes: {}, integrity: {} },
  'a@2.0.0': {
    imports: { ...entries('a', '2.0.0'), ...entries('b', '2.0.0'), ...entries('c', '1.0.0') },
    scopes: { [`${CDN}npm/c@1.0.0/`]: entries('b', '1.0.0') },
    integrity: {},
  },
  'b@3.0.0': { imports: entries('b', '3.0.0'), scopes: {}, integrity: {} },
  'b@1.0.0': { imports: entries('b', '1.0.0'), scopes: {}, integrity: {} },
};
const closureAvailable = { a: ['2.0.0', '3.0.0'], b: ['1.0.0', '2.0.0', '3.0.0'] };

test('composeImportMap() - a scoped copy whose package map has its own scopes - keeps what that package map says', () => {
  // With a@3 top-level, c@1's "b" must still be b@1 (its range ^1), as the CDN said.
  const podlets = [podlet('new1', 7100, { a: '^3.0.0' }), podlet('new2', 7200, { a: '^3.0.0' }), podlet('old', 7300, { a: '^2.0.0' })];
  const { map } = composePage(podlets, { available: closureAvailable, packageMaps: closureMaps });
  assert.equal(resolveSpecifier(map, 'b', `${CDN}npm/a@2.0.0/index.js`), url('b', '2.0.0'));
  assert.equal(resolveSpecifier(map, 'b', `${CDN}npm/c@1.0.0/index.js`), url('b', '1.0.0'));
  assert.equal(resolveSpecifier(map, 'b', `${CDN}npm/a@3.0.0/index.js`), url('b', '3.0.0'));
  assert.deepEqual(checkImportMap(map), []);
});

test('composeImportMap() - a podlet that needs a package directly and through a scoped one - gets the version it asked for', () => {
  // "old" runs a@2 (which brings b@2) but imports b itself with ^3; b@3 is top-level.
  const podlets = [
    podlet('new1', 7100, { a: '^3.0.0', b: '^3.0.0' }),
    podlet('new2', 7200, { a: '^3.0.0' }),
    podlet('old', 7300, { a: '^2.0.0', b: '^3.0.0' }),
  ];
  const { map } = composePage(podlets, { available: closureAvailable, packageMaps: closureMaps });
  const oldModule = 'http://127.0.0.1:7300/static/old.js';
  assert.equal(resolveSpecifier(map, 'a', oldModule), url('a', '2.0.0'));
  assert.equal(resolveSpecifier(map, 'b', oldModule), url('b', '3.0.0'));
  // a@2 itself still gets its own b.
  assert.equal(resolveSpecifier(map, 'b', `${CDN}npm/a@2.0.0/index.js`), url('b', '2.0.0'));
});

test('composeImportMap() - a plan that names a version with no package map - throws, it never guesses', () => {
  const plan = planVersions([{ podlet: 'x', pkg: 'lit', range: '^3.0.0' }], { lit: ['3.3.3'] });
  assert.throws(
    () => composeImportMap({ passThrough: {}, plan, packageMaps: {}, podlets: [], exposers: [] }),
    /no package map for lit@3\.3\.3/,
  );
});

test('packageRootOf() - CDN URLs - return the exact-version folder, scoped names included', () => {
  assert.equal(packageRootOf(`${CDN}npm/@lit/reactive-element@2.1.2/decorators/property.js`), `${CDN}npm/@lit/reactive-element@2.1.2/`);
  assert.equal(packageRootOf(`${CDN}podlet/geo@1.0.0/geo.js`), `${CDN}podlet/geo@1.0.0/`);
  assert.equal(packageRootOf('http://127.0.0.1:7400/static/geo.js'), null);
});

test('sortImportMap() - any key order - sorts keys, scopes most specific first, drops empty sections', () => {
  const sorted = sortImportMap({
    imports: { b: 'https://x/b', a: 'https://x/a' },
    scopes: { 'https://x/': { z: 'https://x/z' }, 'https://x/y/': {}, 'https://x/q/': { a: 'https://x/a' } },
    integrity: {},
  });
  assert.equal(
    JSON.stringify(sorted),
    '{"imports":{"a":"https://x/a","b":"https://x/b"},"scopes":{"https://x/q/":{"a":"https://x/a"},"https://x/":{"z":"https://x/z"}}}',
  );
});
