import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  collectModuleGraph,
  composeImportMap,
  composeImportMapSteps,
  createModuleGraphMemo,
  trimImportMap,
  type ImportMap,
} from '../../runtime/import-map/index.ts';
import { resolveSpecifier } from '../../runtime/import-map/resolve-specifier.ts';
import { checkImportMap } from './check-import-map.ts';
import { composePage, demoModuleGraph, demoModules, demoPodlets, litPackageMaps, root } from './fixtures.ts';

const { map, plan } = composePage(demoPodlets(), { global: [{ podlet: null, pkg: 'lit', range: '3.x' }] });
const { header, geo, lit3, lit2 } = demoModules;
const graph = demoModuleGraph;
const importsOf = (url: string) => graph[url];

test('trimImportMap() - the demo page - keeps only the entries its graph used, and every import resolves as before', () => {
  const walk = collectModuleGraph([header, geo], map, importsOf);
  const trimmed = trimImportMap(map, walk.uses);
  assert.deepEqual(Object.keys(trimmed.imports), [
    '@lit/reactive-element',
    '@podlets/auth/session.js',
    '@podmap/browser',
    'lit',
    'lit-element/',
    'lit-html',
  ]);
  // geo's scope keeps what geo's modules import; lit 2's root scope what lit 2's modules import.
  assert.deepEqual(Object.keys(trimmed.scopes!['http://127.0.0.1:7400/static/']!), ['lit', 'lit/']);
  assert.deepEqual(Object.keys(trimmed.scopes![lit2]!), ['@lit/reactive-element', '@lit/reactive-element/', 'lit-element/', 'lit-html']);
  for (const use of walk.uses) {
    assert.equal(resolveSpecifier(trimmed, use.specifier, use.referrer), resolveSpecifier(map, use.specifier, use.referrer));
  }
  assert.equal(trimmed.integrity, undefined, 'integrity is selected from the graph by the caller');
  assert.deepEqual(checkImportMap(trimmed), []);
  assert.ok(JSON.stringify(trimmed).length < JSON.stringify({ ...map, integrity: undefined }).length / 2);
});

test('trimImportMap() - scopes of a podlet whose graph is not walked - are dropped, not left empty', () => {
  const walk = collectModuleGraph([header], map, importsOf);
  const trimmed = trimImportMap(map, walk.uses);
  assert.equal(trimmed.scopes, undefined, 'no lit 2 module is reached, so no lit 2 scope is written');
  assert.equal(resolveSpecifier(trimmed, 'lit', header), `${lit3}index.js`);
});

test('trimImportMap() - keep - keeps the named imports entries though nothing imports them', () => {
  const trimmed = trimImportMap(map, [], ['@podlets/auth/session.js', 'lit', 'not-in-the-map']);
  assert.deepEqual(trimmed.imports, { '@podlets/auth/session.js': map.imports['@podlets/auth/session.js'], lit: map.imports.lit });
  assert.equal(trimmed.scopes, undefined);
});

test('trimImportMap() - uses naming entries the map does not have - are ignored', () => {
  const trimmed = trimImportMap(map, [
    { scope: null, key: 'nope', specifier: 'nope', referrer: header },
    { scope: 'https://nowhere.example/', key: 'lit', specifier: 'lit', referrer: 'https://nowhere.example/a.js' },
    { scope: null, key: 'constructor', specifier: 'constructor', referrer: header },
  ]);
  assert.deepEqual(trimmed, { imports: {} });
});

test('trimImportMap() - the same page composed in another order - gives a byte-identical map', () => {
  const reversed = composePage([...demoPodlets()].reverse(), { global: [{ podlet: null, pkg: 'lit', range: '3.x' }] }).map;
  const a = trimImportMap(map, collectModuleGraph([header, geo], map, importsOf).uses);
  const b = trimImportMap(reversed, [...collectModuleGraph([geo, header], reversed, importsOf).uses].reverse());
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});

test('collectModuleGraph() - a memo shared by several walks - resolves each module once', () => {
  const asked = new Map<string, number>();
  const counting = (url: string) => {
    asked.set(url, (asked.get(url) ?? 0) + 1);
    return graph[url];
  };
  const memo = createModuleGraphMemo(map);
  const first = collectModuleGraph([header, geo], map, counting, memo);
  const again = collectModuleGraph([geo], map, counting, memo);
  collectModuleGraph([header], map, counting, memo);
  // A module whose imports are unknown is asked again on each walk: they may be known by then.
  for (const [url, times] of asked) if (graph[url]) assert.equal(times, 1, url);
  assert.deepEqual(again.modules, collectModuleGraph([geo], map, importsOf).modules);
  assert.deepEqual(first.modules, collectModuleGraph([header, geo], map, importsOf).modules);
});

test('collectModuleGraph() - a memo made for another map - is refused', () => {
  assert.throws(() => collectModuleGraph([header], map, importsOf, createModuleGraphMemo({ imports: {} })), TypeError);
});

test('collectModuleGraph() - imports named like Object.prototype members, or not strings - are never queued', () => {
  const a = 'https://x.example/a.js';
  const walk = collectModuleGraph([a], { imports: {} }, (url) =>
    url === a ? ['constructor', '__proto__', 'toString', 42 as unknown as string, './b.js'] : [],
  );
  assert.deepEqual(walk.modules, [a, 'https://x.example/b.js']);
  assert.deepEqual(
    walk.unresolved.map((u) => u.specifier),
    ['constructor', '__proto__', 'toString'],
  );
});

test('collectModuleGraph() - uses - records the entry that resolved each import, and none for relative URLs', () => {
  const walk = collectModuleGraph([geo], map, importsOf);
  assert.ok(
    walk.uses.some((u) => u.referrer === geo && u.specifier === 'lit' && u.scope === 'http://127.0.0.1:7400/static/' && u.key === 'lit'),
  );
  assert.ok(walk.uses.some((u) => u.referrer === `${lit2}index.js` && u.specifier === 'lit-html' && u.scope === lit2));
  assert.ok(!collectModuleGraph([header], map, importsOf).uses.some((u) => u.specifier === './util.js'));
});

test('composeImportMapSteps() - the demo page - yields between pieces of work and ends with what composeImportMap() returns', () => {
  const input = { passThrough: {}, plan, packageMaps: litPackageMaps(), podlets: demoPodlets(), exposers: demoPodlets() };
  const steps = composeImportMapSteps(input);
  let yields = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) yields++;
  assert.ok(yields > 1);
  assert.deepEqual(step.value, composeImportMap(input));
  assert.deepEqual(step.value.map, map);
});

test('composeImportMap() - a package named "constructor" - is mapped like any other name', () => {
  const url = `${root('constructor', '1.0.0')}index.js`;
  const packageMaps: Record<string, ImportMap> = {
    'constructor@1.0.0': { imports: { constructor: url, 'constructor/': root('constructor', '1.0.0') }, scopes: {}, integrity: {} },
  };
  const { map } = composeImportMap({
    passThrough: {},
    plan: { topLevel: { constructor: '1.0.0' }, assigned: {}, unsatisfied: [] },
    packageMaps,
    podlets: [],
    exposers: [],
  });
  assert.equal(map.imports.constructor, url);
  assert.equal(resolveSpecifier(map, 'constructor', header), url);
});
