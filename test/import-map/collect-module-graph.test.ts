import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectModuleGraph } from '../../runtime/import-map/collect-module-graph.ts';
import { composePage, demoModuleGraph, demoModules, demoPodlets, root } from './fixtures.ts';

const { map } = composePage(demoPodlets(), { global: [{ podlet: null, pkg: 'lit', range: '3.x' }] });
const { header, geo, lit3, lit2 } = demoModules;
const graph = demoModuleGraph;

test('collectModuleGraph() - the header podlet - lists its graph breadth-first by the URLs the map gives', () => {
  const { modules, unresolved } = collectModuleGraph([header], map, (url) => graph[url]);
  assert.deepEqual(modules, [
    header,
    `${lit3}index.js`,
    'http://127.0.0.1:7100/static/util.js',
    'http://127.0.0.1:7300/static/session.js',
    `${root('@lit/reactive-element', '2.1.2')}reactive-element.js`,
    `${root('lit-html', '3.3.3')}lit-html.js`,
    `${root('lit-element', '4.2.2')}lit-element.js`,
    `${root('@podmap/browser', '0.1.0')}public/index.js`,
  ]);
  assert.deepEqual(unresolved, []);
});

test('collectModuleGraph() - the geo podlet on lit 2 - preloads the lit 2 closure, not lit 3', () => {
  const { modules } = collectModuleGraph([geo], map, (url) => graph[url]);
  assert.deepEqual(modules, [
    geo,
    `${lit2}index.js`,
    `${lit2}decorators.js`,
    `${root('@lit/reactive-element', '1.6.3')}reactive-element.js`,
    `${root('lit-html', '2.8.0')}lit-html.js`,
    `${root('lit-element', '3.3.3')}lit-element.js`,
    `${root('@lit/reactive-element', '1.6.3')}decorators/property.js`,
  ]);
});

test('collectModuleGraph() - two entries sharing modules - lists each module once', () => {
  const { modules } = collectModuleGraph([header, header, geo], map, (url) => graph[url]);
  assert.equal(new Set(modules).size, modules.length);
  assert.ok(modules.includes(`${lit3}index.js`) && modules.includes(`${lit2}index.js`));
});

test('collectModuleGraph() - a cycle - terminates', () => {
  const a = 'https://x/a.js';
  const b = 'https://x/b.js';
  const { modules } = collectModuleGraph([a], { imports: {} }, (url) => (url === a ? ['./b.js'] : url === b ? ['./a.js'] : undefined));
  assert.deepEqual(modules, [a, b]);
});

test('collectModuleGraph() - a specifier the map cannot resolve - is reported with its importer', () => {
  const { modules, unresolved } = collectModuleGraph([header], { imports: {} }, (url) => graph[url]);
  assert.deepEqual(modules, [header, 'http://127.0.0.1:7100/static/util.js']);
  assert.deepEqual(unresolved, [
    { specifier: 'lit', referrer: header },
    { specifier: '@podlets/auth/session.js', referrer: header },
  ]);
});

test('collectModuleGraph() - a module whose imports are unknown - is listed but not walked', () => {
  const { modules } = collectModuleGraph([header], map, (url) => (url === header ? graph[url] : undefined));
  assert.deepEqual(modules, [header, `${lit3}index.js`, 'http://127.0.0.1:7100/static/util.js', 'http://127.0.0.1:7300/static/session.js']);
});
