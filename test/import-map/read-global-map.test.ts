import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readGlobalMap, resolveGlobalPins, selectIntegrity } from '../../runtime/import-map/index.ts';

const CDN = 'http://127.0.0.1:7700/';

test('readGlobalMap() - a CDN alias - becomes a need for its line and a pin', () => {
  const reading = readGlobalMap(
    { imports: { lit: './npm/lit@3/index.js', '@podmap/browser': './npm/@podmap/browser@0.1/public/index.js' } },
    CDN,
  );
  assert.deepEqual(reading.needs, [
    { podlet: null, pkg: 'lit', range: '3.x' },
    { podlet: null, pkg: '@podmap/browser', range: '0.1.x' },
  ]);
  assert.deepEqual(reading.pins, [
    { specifier: 'lit', pkg: 'lit', file: 'index.js' },
    { specifier: '@podmap/browser', pkg: '@podmap/browser', file: 'public/index.js' },
  ]);
  assert.deepEqual(reading.passThrough, {});
});

test('readGlobalMap() - an exact version - is a need for that version', () => {
  assert.deepEqual(readGlobalMap({ imports: { lit: './npm/lit@3.3.3/index.js' } }, CDN).needs, [
    { podlet: null, pkg: 'lit', range: '3.3.3' },
  ]);
});

test('readGlobalMap() - entries off the CDN, and podlet releases - pass through as absolute URLs', () => {
  const reading = readGlobalMap(
    { imports: { analytics: 'https://other.example/a.js', rel: './vendor/x.js', pod: './podlet/header@1.0.0/header.js' } },
    CDN,
  );
  assert.deepEqual(reading.passThrough, {
    analytics: 'https://other.example/a.js',
    rel: 'http://127.0.0.1:7700/vendor/x.js',
    pod: 'http://127.0.0.1:7700/podlet/header@1.0.0/header.js',
  });
  assert.deepEqual(reading.needs, []);
});

test('resolveGlobalPins() - a pin its package map already holds - is left to the map; others get exact URLs', () => {
  const pins = [
    { specifier: 'lit', pkg: 'lit', file: 'index.js' },
    { specifier: 'lit-main', pkg: 'lit', file: 'index.js' },
    { specifier: 'gone', pkg: 'not-planned', file: 'x.js' },
  ];
  const entries = resolveGlobalPins(
    pins,
    { lit: '3.3.3' },
    { 'lit@3.3.3': { imports: { lit: `${CDN}npm/lit@3.3.3/index.js` } } },
    (pkg, v, file) => `${CDN}npm/${pkg}@${v}/${file}`,
  );
  assert.deepEqual(entries, { 'lit-main': `${CDN}npm/lit@3.3.3/index.js` });
});

test("selectIntegrity() - a package map's hashes - keeps only the graph's modules, sorted, first source wins", () => {
  const graph = [`${CDN}npm/b@1.0.0/b.js`, `${CDN}npm/a@1.0.0/a.js`, `${CDN}podlet/x@1.0.0/x.js`];
  const fromMaps = {
    [`${CDN}npm/a@1.0.0/a.js`]: 'sha384-a',
    [`${CDN}npm/a@1.0.0/dev.js`]: 'sha384-dev',
    [`${CDN}npm/b@1.0.0/b.js`]: 'sha384-b',
  };
  const fromReleases = { [`${CDN}podlet/x@1.0.0/x.js`]: 'sha384-x', [`${CDN}npm/b@1.0.0/b.js`]: 'sha384-release-wins' };
  const selected = selectIntegrity(graph, fromReleases, fromMaps);
  assert.deepEqual(Object.keys(selected ?? {}), [`${CDN}npm/a@1.0.0/a.js`, `${CDN}npm/b@1.0.0/b.js`, `${CDN}podlet/x@1.0.0/x.js`]);
  assert.equal(selected?.[`${CDN}npm/b@1.0.0/b.js`], 'sha384-release-wins');
  assert.equal(selectIntegrity([`${CDN}npm/z@1.0.0/z.js`], fromMaps), undefined);
});

test('selectIntegrity() - a graph URL named like an Object.prototype key - is not given a hash from the prototype', () => {
  assert.equal(selectIntegrity(['constructor', '__proto__'], {}), undefined);
});
