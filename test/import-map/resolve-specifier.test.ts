import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeysBySpecificity, resolveSpecifier } from '../../runtime/import-map/resolve-specifier.ts';
import type { ImportMap } from '../../runtime/import-map/index.ts';

// Each expectation below was worked out by hand from the HTML spec's "resolve a module specifier"
// and "resolve an imports match" (https://html.spec.whatwg.org/multipage/webappapis.html).

const page = 'http://127.0.0.1:7000/';
const geo = 'http://127.0.0.1:7400/static/geo.js';
const map: ImportMap = {
  imports: {
    lit: 'http://127.0.0.1:7700/npm/lit@3.3.3/index.js',
    'lit/': 'http://127.0.0.1:7700/npm/lit@3.3.3/',
    'lit/decorators.js': 'http://127.0.0.1:7700/npm/lit@3.3.3/decorators-pinned.js',
    'lit-html': 'http://127.0.0.1:7700/npm/lit-html@3.3.3/lit-html.js',
    'lit-html/': 'http://127.0.0.1:7700/npm/lit-html@3.3.3/',
    'http://127.0.0.1:7000/legacy.js': 'http://127.0.0.1:7700/npm/legacy@1.0.0/index.js',
  },
  scopes: {
    'http://127.0.0.1:7400/': { lit: 'http://127.0.0.1:7700/npm/lit@2.8.0/index.js' },
    'http://127.0.0.1:7400/static/': {
      'lit/': 'http://127.0.0.1:7700/npm/lit@2.8.0/',
      'lit-html': 'http://127.0.0.1:7700/npm/lit-html@2.8.0/lit-html.js',
    },
    'http://127.0.0.1:7400/static/exact.js': { 'lit-html': 'http://127.0.0.1:7700/npm/lit-html@2.0.0/lit-html.js' },
  },
};

test('resolveSpecifier() - a bare specifier with an exact key - returns its URL', () => {
  assert.equal(resolveSpecifier(map, 'lit', page), 'http://127.0.0.1:7700/npm/lit@3.3.3/index.js');
});

test('resolveSpecifier() - an exact key and a prefix key both match - the exact key wins', () => {
  assert.equal(resolveSpecifier(map, 'lit/decorators.js', page), 'http://127.0.0.1:7700/npm/lit@3.3.3/decorators-pinned.js');
});

test('resolveSpecifier() - a deep import under a trailing-slash key - appends the rest to its URL', () => {
  assert.equal(resolveSpecifier(map, 'lit/directives/repeat.js', page), 'http://127.0.0.1:7700/npm/lit@3.3.3/directives/repeat.js');
  assert.equal(resolveSpecifier(map, 'lit-html/directive.js', page), 'http://127.0.0.1:7700/npm/lit-html@3.3.3/directive.js');
});

test('resolveSpecifier() - "lit-html" against keys "lit" and "lit/" - is not taken for a prefix of "lit"', () => {
  assert.equal(resolveSpecifier({ imports: { lit: 'https://a/lit.js', 'lit/': 'https://a/lit/' } }, 'lit-html', page), null);
});

test('resolveSpecifier() - a key without a trailing slash - never matches as a prefix', () => {
  assert.equal(resolveSpecifier({ imports: { lit: 'https://a/lit.js' } }, 'lit/index.js', page), null);
});

test('resolveSpecifier() - nested scopes - the most specific matching scope answers first', () => {
  // Both /  and /static/ match; /static/ is longer, so its "lit-html" wins.
  assert.equal(resolveSpecifier(map, 'lit-html', geo), 'http://127.0.0.1:7700/npm/lit-html@2.8.0/lit-html.js');
  assert.equal(resolveSpecifier(map, 'lit/decorators.js', geo), 'http://127.0.0.1:7700/npm/lit@2.8.0/decorators.js');
});

test('resolveSpecifier() - a specific scope without the key - falls through to the next scope, then imports', () => {
  // /static/ has no "lit"; the enclosing / scope does.
  assert.equal(resolveSpecifier(map, 'lit', geo), 'http://127.0.0.1:7700/npm/lit@2.8.0/index.js');
  // No scope maps "lit-html/"; top-level imports does.
  assert.equal(resolveSpecifier(map, 'lit-html/directive.js', geo), 'http://127.0.0.1:7700/npm/lit-html@3.3.3/directive.js');
});

test('resolveSpecifier() - a scope key without a trailing slash - applies to that exact referrer only', () => {
  assert.equal(
    resolveSpecifier(map, 'lit-html', 'http://127.0.0.1:7400/static/exact.js'),
    'http://127.0.0.1:7700/npm/lit-html@2.0.0/lit-html.js',
  );
  assert.equal(
    resolveSpecifier(map, 'lit-html', 'http://127.0.0.1:7400/static/exact.jsx'),
    'http://127.0.0.1:7700/npm/lit-html@2.8.0/lit-html.js',
  );
});

test('resolveSpecifier() - a referrer outside every scope - uses top-level imports', () => {
  assert.equal(resolveSpecifier(map, 'lit', 'http://127.0.0.1:7100/static/header.js'), 'http://127.0.0.1:7700/npm/lit@3.3.3/index.js');
  // A scope is a URL prefix: a module on :7401 is not under the :7400/ scope.
  assert.equal(resolveSpecifier(map, 'lit', 'http://127.0.0.1:7401/static/x.js'), 'http://127.0.0.1:7700/npm/lit@3.3.3/index.js');
});

test('resolveSpecifier() - a prefix match that climbs out of its target - is refused, not resolved elsewhere', () => {
  // "lit/../x.js" would become …/npm/x.js, outside …/npm/lit@3.3.3/: the spec throws a TypeError.
  assert.equal(resolveSpecifier(map, 'lit/../x.js', page), null);
  assert.equal(resolveSpecifier(map, 'lit/%2e%2e/x.js', page), null);
  // A refused match in a scope does not fall back to top-level imports.
  assert.equal(resolveSpecifier(map, 'lit/../../x.js', geo), null);
});

test('resolveSpecifier() - relative URL specifiers - resolve against the referrer', () => {
  assert.equal(resolveSpecifier(map, './util.js', geo), 'http://127.0.0.1:7400/static/util.js');
  assert.equal(resolveSpecifier(map, '../up.js', geo), 'http://127.0.0.1:7400/up.js');
  assert.equal(resolveSpecifier(map, '/root.js', geo), 'http://127.0.0.1:7400/root.js');
});

test('resolveSpecifier() - an absolute URL specifier - resolves as itself unless the map remaps it', () => {
  assert.equal(resolveSpecifier(map, 'https://example.com/a.js', page), 'https://example.com/a.js');
  assert.equal(resolveSpecifier(map, 'http://127.0.0.1:7000/legacy.js', page), 'http://127.0.0.1:7700/npm/legacy@1.0.0/index.js');
  // A relative specifier is normalised to a URL first, then looked up: /legacy.js from the page is remapped.
  assert.equal(resolveSpecifier(map, '/legacy.js', page), 'http://127.0.0.1:7700/npm/legacy@1.0.0/index.js');
});

test('resolveSpecifier() - an unmapped bare specifier - returns null, where a browser throws a TypeError', () => {
  assert.equal(resolveSpecifier(map, 'react', page), null);
  assert.equal(resolveSpecifier(map, 'lit-element', geo), null);
  assert.equal(resolveSpecifier({ imports: {} }, 'lit', page), null);
});

test('resolveSpecifier() - a specifier equal to a trailing-slash key - resolves to the URL of that key', () => {
  assert.equal(resolveSpecifier(map, 'lit-html/', page), 'http://127.0.0.1:7700/npm/lit-html@3.3.3/');
});

test('compareKeysBySpecificity() - scope keys - sorts longer (more specific) keys first, then code-unit order', () => {
  assert.deepEqual(['https://a/', 'https://a/b/', 'https://a/c/', 'https://a/b/c/'].sort(compareKeysBySpecificity), [
    'https://a/b/c/',
    'https://a/b/',
    'https://a/c/',
    'https://a/',
  ]);
});
