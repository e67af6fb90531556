import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ImportMap, SpecifierMap } from '../../runtime/import-map/index.ts';
import { resolveSpecifier, resolveWithEntry } from '../../runtime/import-map/resolve-specifier.ts';

// Expectations follow the HTML spec's "resolve a module specifier" and "resolve an imports
// match" (https://html.spec.whatwg.org/multipage/webappapis.html), and Chromium where it throws.

const page = 'https://site.example/page.html';

test('resolveSpecifier() - a data: URL key - does not prefix-match non-special schemes', () => {
  const map: ImportMap = { imports: { 'data:text/': 'https://evil.example/' } };
  // data: is not a special scheme: the URL resolves as itself, the prefix key does not apply.
  assert.equal(resolveSpecifier(map, 'data:text/javascript,export{}', page), 'data:text/javascript,export{}');
  assert.deepEqual(resolveWithEntry(map, 'data:text/javascript,export{}', page), {
    url: 'data:text/javascript,export{}',
    scope: null,
    key: null,
  });
});

test('resolveSpecifier() - a data: URL key - still matches exactly', () => {
  const map: ImportMap = { imports: { 'data:text/javascript,export{}': 'https://cdn.example/empty.js' } };
  assert.equal(resolveSpecifier(map, 'data:text/javascript,export{}', page), 'https://cdn.example/empty.js');
});

test('resolveSpecifier() - URLs of special schemes - prefix-match a trailing-slash URL key', () => {
  const map: ImportMap = {
    imports: { 'https://old.example/lib/': 'https://cdn.example/lib@2/', 'ws://old.example/': 'https://cdn.example/ws/' },
  };
  assert.equal(resolveSpecifier(map, 'https://old.example/lib/a.js', page), 'https://cdn.example/lib@2/a.js');
  assert.equal(resolveSpecifier(map, '/lib/a.js', 'https://old.example/x.js'), 'https://cdn.example/lib@2/a.js');
  assert.equal(resolveSpecifier(map, 'ws://old.example/a.js', page), 'https://cdn.example/ws/a.js');
});

test('resolveSpecifier() - bare specifiers named like Object.prototype members - resolve to null, not through the prototype', () => {
  const map: ImportMap = { imports: { lit: 'https://cdn.example/lit.js' }, scopes: { 'https://site.example/': {} } };
  for (const specifier of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', '__defineGetter__']) {
    assert.equal(resolveSpecifier(map, specifier, page), null, specifier);
    assert.equal(resolveSpecifier(map, `${specifier}/x.js`, page), null, `${specifier}/x.js`);
  }
  // A referrer named like a member of Object.prototype is no scope either.
  assert.equal(resolveSpecifier(map, 'lit', 'constructor'), 'https://cdn.example/lit.js');
});

test('resolveSpecifier() - a map that owns the key "__proto__" (as JSON.parse makes it) - resolves it like any key', () => {
  const map = JSON.parse('{"imports":{"__proto__":"https://cdn.example/proto.js","__proto__/":"https://cdn.example/p/"}}') as ImportMap;
  assert.equal(resolveSpecifier(map, '__proto__', page), 'https://cdn.example/proto.js');
  assert.equal(resolveSpecifier(map, '__proto__/a.js', page), 'https://cdn.example/p/a.js');
});

test('resolveSpecifier() - an entry whose value is not a URL string - is null, as the spec blocks it', () => {
  const map = { imports: { a: null, 'b/': 42 } } as unknown as ImportMap;
  assert.equal(resolveSpecifier(map, 'a', page), null);
  assert.equal(resolveSpecifier(map, 'b/c.js', page), null);
});

test('resolveWithEntry() - scopes and imports - names the scope and the key that answered', () => {
  const map: ImportMap = {
    imports: { lit: 'https://cdn.example/lit@3/index.js', 'lit/': 'https://cdn.example/lit@3/' },
    scopes: { 'https://site.example/geo/': { 'lit/': 'https://cdn.example/lit@2/' } },
  };
  assert.deepEqual(resolveWithEntry(map, 'lit/x.js', 'https://site.example/geo/a.js'), {
    url: 'https://cdn.example/lit@2/x.js',
    scope: 'https://site.example/geo/',
    key: 'lit/',
  });
  assert.deepEqual(resolveWithEntry(map, 'lit', 'https://site.example/geo/a.js'), {
    url: 'https://cdn.example/lit@3/index.js',
    scope: null,
    key: 'lit',
  });
  assert.deepEqual(resolveWithEntry(map, './b.js', 'https://site.example/geo/a.js'), {
    url: 'https://site.example/geo/b.js',
    scope: null,
    key: null,
  });
  assert.deepEqual(resolveWithEntry(map, 'react', page), { url: null, scope: null, key: null });
});

test('resolveSpecifier() - a map changed after it was resolved through - answers from the map as it is now', () => {
  const map: ImportMap = { imports: {} };
  assert.equal(resolveSpecifier(map, 'lit', page), null);
  map.imports.lit = 'https://cdn.example/lit.js';
  map.scopes = { 'https://site.example/': { lit: 'https://cdn.example/lit2.js' } };
  assert.equal(resolveSpecifier(map, 'lit', page), 'https://cdn.example/lit2.js');
});

test('resolveSpecifier() - a referrer that ends in "/" - matches a scope keyed by itself once, then shorter prefixes', () => {
  const map: ImportMap = {
    imports: {},
    scopes: { 'https://site.example/a/': { x: 'https://cdn.example/a.js' }, 'https://site.example/': { y: 'https://cdn.example/y.js' } },
  };
  assert.equal(resolveSpecifier(map, 'x', 'https://site.example/a/'), 'https://cdn.example/a.js');
  assert.equal(resolveSpecifier(map, 'y', 'https://site.example/a/'), 'https://cdn.example/y.js');
});

/** The spec's algorithm as written: every scope and key in sorted order, no shortcuts. */
function referenceResolve(map: ImportMap, specifier: string, referrer: string): string | null {
  let asUrl: string | null = null;
  try {
    asUrl = /^(\/|\.\/|\.\.\/)/.test(specifier) ? new URL(specifier, referrer).href : new URL(specifier).href;
  } catch {
    asUrl = null;
  }
  const normalized = asUrl ?? specifier;
  const special = asUrl === null || /^(https?|wss?|ftp|file):/.test(asUrl);
  const match = (specifierMap: SpecifierMap): string | null | undefined => {
    for (const key of Object.keys(specifierMap).sort().reverse()) {
      const value = specifierMap[key]!;
      if (key === normalized) return value;
      if (key.endsWith('/') && normalized.startsWith(key) && special) {
        if (!value.endsWith('/')) return null;
        try {
          const url = new URL(normalized.slice(key.length), value).href;
          return url.startsWith(value) ? url : null;
        } catch {
          return null;
        }
      }
    }
    return undefined;
  };
  for (const scope of Object.keys(map.scopes ?? {})
    .sort()
    .reverse()) {
    if (scope === referrer || (scope.endsWith('/') && referrer.startsWith(scope))) {
      const hit = match(map.scopes![scope]!);
      if (hit !== undefined) return hit;
    }
  }
  const hit = match(map.imports);
  return hit !== undefined ? hit : asUrl;
}

test('resolveSpecifier() - random maps, specifiers and referrers - agrees with the spec algorithm written out in full', () => {
  const segment = fc.constantFrom('a', 'b', 'ab', 'lit', 'x.js', '..', '%2e%2e', '');
  const path = fc.array(segment, { maxLength: 4 }).map((parts) => parts.join('/'));
  const bare = fc.tuple(segment, path, fc.boolean()).map(([head, rest, slash]) => `${head}${rest ? `/${rest}` : ''}${slash ? '/' : ''}`);
  const url = fc
    .tuple(fc.constantFrom('https://a.example/', 'https://a.example/b/', 'data:text/', 'ws://w.example/'), path, fc.boolean())
    .map(([base, rest, slash]) => `${base}${rest}${slash ? '/' : ''}`);
  const target = fc.tuple(fc.constantFrom('https://cdn.example/', 'https://cdn.example/p/'), path).map(([base, rest]) => `${base}${rest}/`);
  const specifierMap = fc.dictionary(fc.oneof(bare, url), target, { maxKeys: 6 });
  const map = fc.record({ imports: specifierMap, scopes: fc.dictionary(url, specifierMap, { maxKeys: 3 }) });
  fc.assert(
    fc.property(
      map,
      fc.oneof(
        bare,
        url,
        path.map((p) => `./${p}`),
      ),
      url,
      (m, specifier, referrer) => {
        assert.equal(resolveSpecifier(m, specifier, referrer), referenceResolve(m, specifier, referrer));
      },
    ),
    { numRuns: 2000 },
  );
});
