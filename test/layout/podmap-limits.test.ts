import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { PODMAP_LIMITS, validatePodmapDocument } from '../../runtime/shared/validate-podmap-document.ts';

const doc = (extra: Record<string, unknown> = {}) => ({
  podmap: 1,
  package: { name: '@podlets/x', version: '1.0.0' },
  base: './public/',
  needs: {},
  exposes: {},
  modules: {},
  ...extra,
});
const codeOf = (value: unknown): string | undefined => {
  try {
    validatePodmapDocument(value);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

test('validatePodmapDocument() - 75,000 needs - is refused as PODMAP_ERR_PODMAP_TOO_LARGE before any of them is read (security)', () => {
  // The work is counted, not timed (a loaded machine makes any time bound flaky): every need's
  // range is a getter, and a refusal that walked the needs would read them.
  let read = 0;
  const needs: Record<string, string> = {};
  for (let i = 0; i < 75_000; i++) Object.defineProperty(needs, `p${i}`, { enumerable: true, get: () => (read++, '1') });
  assert.equal(codeOf(doc({ needs })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(read, 0, 'no need was read before the refusal');
});

test('validatePodmapDocument() - each count over its limit - is PODMAP_ERR_PODMAP_TOO_LARGE, and at the limit it passes (security)', () => {
  const many = (n: number, value: (i: number) => unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, value(i)]));
  assert.equal(codeOf(doc({ needs: many(PODMAP_LIMITS.needs, () => '1') })), undefined);
  assert.equal(codeOf(doc({ needs: many(PODMAP_LIMITS.needs + 1, () => '1') })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(codeOf(doc({ exposes: many(PODMAP_LIMITS.exposes + 1, () => 'x.js') })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(codeOf(doc({ modules: many(PODMAP_LIMITS.modules + 1, () => []) })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(
    codeOf(doc({ modules: { 'a.js': Array(PODMAP_LIMITS.specifiersPerModule + 1).fill('lit') } })),
    'PODMAP_ERR_PODMAP_TOO_LARGE',
  );
  assert.equal(codeOf(doc({ modules: many(101, () => Array(1000).fill('lit')) })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(codeOf(doc({ needs: { ['x'.repeat(PODMAP_LIMITS.stringLength + 1)]: '1' } })), 'PODMAP_ERR_PODMAP_INVALID');
});

test('validatePodmapDocument() - a URL-like package name or exposed key - is invalid: it would remap URLs, not add a specifier (security)', () => {
  assert.equal(codeOf(doc({ package: { name: 'http://cdn.test/npm/lit@3.3.3', version: '1.0.0' } })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ exposes: { 'http://cdn.test/npm/lit@3.3.3/index.js': 'x.js' } })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ exposes: { '/npm/lit@3.3.3/index.js': 'x.js' } })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ exposes: { '@podlets/x/a.js': 'a.js' } })), undefined);
});

const options = (namespaces: unknown) => ({
  cdnUrl: 'http://cdn.test/',
  importMap: { imports: { lit: './npm/lit@3/index.js' } },
  podlets: { auth: 'http://auth.test/manifest.json', header: 'http://header.test/manifest.json' },
  pages: {},
  namespaces: namespaces as Record<string, string[]>,
});

test('createLayout() - a wrong namespaces option - throws a coded config error at start-up', () => {
  const code = (namespaces: unknown) => {
    try {
      createLayout(options(namespaces));
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };
  assert.equal(code({ auth: ['@podlets/auth', '@shared/session'] }), undefined);
  assert.equal(code(['@podlets/auth']), 'PODMAP_ERR_CONFIG_OPTION');
  assert.equal(code({ auth: '@podlets/auth' }), 'PODMAP_ERR_CONFIG_OPTION');
  assert.equal(code({ auth: ['Not A Name'] }), 'PODMAP_ERR_CONFIG_OPTION');
  assert.equal(code({ auth: ['@podlets/auth'], header: ['@podlets/auth'] }), 'PODMAP_ERR_CONFIG_OPTION');
  assert.equal(code({ auth: ['lit'] }), 'PODMAP_ERR_CONFIG_OPTION');
  assert.equal(code({ nobody: ['@podlets/auth'] }), 'PODMAP_ERR_CONFIG_UNKNOWN_PODLET');
});

test('validatePodmapDocument() - hydrate - a short list of bare specifiers passes; a URL, a path, a non-list or too many are refused (security)', () => {
  assert.equal(codeOf(doc({ render: 'hydrate', hydrate: ['@lit-labs/ssr-client/lit-element-hydrate-support.js', 'lit'] })), undefined);
  for (const hydrate of [['https://evil.example/x.js'], ['/x.js'], ['./x.js'], ['../x.js'], 'lit', [''], [1]]) {
    assert.equal(codeOf(doc({ hydrate })), 'PODMAP_ERR_PODMAP_INVALID', JSON.stringify(hydrate));
  }
  assert.equal(codeOf(doc({ hydrate: Array(PODMAP_LIMITS.hydrate + 1).fill('lit') })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
});

test('validatePodmapDocument() - importedNames and dynamicImports - old documents without them stay valid, malformed ones are invalid, over the limits too large', () => {
  const many = (n: number, value: (i: number) => unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, value(i)]));
  assert.equal(codeOf(doc()), undefined, 'a document from before the fields');
  assert.equal(codeOf(doc({ importedNames: { preact: ['h', 'render'], zod: '*', 'x/y': [] } })), undefined);
  assert.equal(codeOf(doc({ dynamicImports: { 'a.js': ['chart.js', './lazy.js'] } })), undefined);
  assert.equal(codeOf(doc({ importedNames: { preact: 'h' } })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ importedNames: { preact: [1] } })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ importedNames: ['preact'] })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ dynamicImports: { 'a.js': 'chart.js' } })), 'PODMAP_ERR_PODMAP_INVALID');
  assert.equal(codeOf(doc({ importedNames: many(PODMAP_LIMITS.importedSpecifiers + 1, () => []) })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(codeOf(doc({ importedNames: many(11, () => Array(10_000).fill('a')) })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(codeOf(doc({ dynamicImports: many(PODMAP_LIMITS.modules + 1, () => []) })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
  assert.equal(codeOf(doc({ dynamicImports: many(101, () => Array(1000).fill('x')) })), 'PODMAP_ERR_PODMAP_TOO_LARGE');
});
