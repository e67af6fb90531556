import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImportMap } from './check-import-map.ts';

// The checker guards the property tests, so it must itself be able to fail.

test('checkImportMap() - a valid map - has no problems', () => {
  assert.deepEqual(
    checkImportMap({
      imports: { lit: 'https://cdn/npm/lit@3.3.3/index.js', 'lit/': 'https://cdn/npm/lit@3.3.3/' },
      scopes: { 'https://p/static/': { lit: 'https://cdn/npm/lit@2.8.0/index.js' } },
      integrity: { 'https://cdn/npm/lit@3.3.3/index.js': 'sha384-abc+/=' },
    }),
    [],
  );
});

test('checkImportMap() - each kind of invalid entry - is reported', () => {
  const cases: Array<[unknown, RegExp]> = [
    [[], /not a JSON object/],
    [{ imports: {}, extra: {} }, /unknown top-level key "extra"/],
    [{ imports: { lit: './lit.js' } }, /not an absolute URL/],
    [{ imports: { lit: 'https://cdn/a/../lit.js' } }, /serialized form/],
    [{ imports: { 'lit/': 'https://cdn/lit' } }, /ends with "\/" but/],
    [{ imports: { '': 'https://cdn/x.js' } }, /empty key/],
    [{ imports: { lit: 3 } }, /not a string/],
    [{ imports: { './x.js': 'https://cdn/x.js' } }, /URL-like/],
    [{ scopes: { '/static/': {} } }, /scope key/],
    [{ scopes: { 'https://p/': [] } }, /is not an object/],
    [{ integrity: { 'https://cdn/x.js': 'md5-abc' } }, /not a hash/],
    [{ integrity: { 'x.js': 'sha384-abc' } }, /integrity key/],
  ];
  for (const [map, problem] of cases) {
    const problems = checkImportMap(map);
    assert.ok(
      problems.some((p) => problem.test(p)),
      `${JSON.stringify(map)} gave ${JSON.stringify(problems)}`,
    );
  }
});
