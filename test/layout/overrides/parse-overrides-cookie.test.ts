// Security tests: whatever parseOverridesCookie() accepts is written into a page's import map,
// so every hostile shape of the cookie below must be refused or normalised.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_COOKIE_BYTES, OVERRIDES_COOKIE, parseOverridesCookie } from '../../../runtime/layout/overrides/parse-overrides-cookie.ts';

const podlets = new Set(['header', 'auth']);
const header = (value: unknown, encode = true) =>
  `theme=dark; ${OVERRIDES_COOKIE}=${encode ? encodeURIComponent(JSON.stringify(value)) : String(value)}; other=1`;
const parse = (value: unknown, options: { encode?: boolean; allowedHosts?: string[] } = {}) =>
  parseOverridesCookie(header(value, options.encode), { podlets, allowedHosts: options.allowedHosts })!;

test('parseOverridesCookie() - no cookie of that name - returns null', () => {
  assert.equal(parseOverridesCookie(undefined, { podlets }), null);
  assert.equal(parseOverridesCookie('a=b; podmap-overrides-x=1', { podlets }), null);
});

test('parseOverridesCookie() - a library and a podlet on localhost - accepted, normalised', () => {
  const result = parse({ imports: { lit: 'http://LOCALHOST:8000/lit/index.js' }, podlets: { header: 'http://127.0.0.1:8100/public' } });
  assert.deepEqual(result, {
    imports: { lit: 'http://localhost:8000/lit/index.js' },
    podlets: { header: 'http://127.0.0.1:8100/public/' },
    rejected: [],
  });
  assert.deepEqual(parse({ imports: { 'lit/': 'https://[::1]:8443/lit/' } }).imports, { 'lit/': 'https://[::1]:8443/lit/' });
});

test('parseOverridesCookie() - malformed cookies - refused whole, with a reason (security)', () => {
  for (const [value, encode, reason] of [
    ['not json', false, /not URI-encoded JSON/],
    ['%E0%A4%A', false, /not URI-encoded JSON/], // a broken percent-encoding
    [[], true, /JSON object/],
    [null, true, /JSON object/],
    ['"a string"', false, /JSON object/],
    [{ imports: [] }, true, /must be objects/],
    [{ imports: { lit: 'http://localhost/x.js' }, scopes: {} }, true, /"imports" and\/or "podlets" only/],
    [JSON.parse('{"__proto__": {"imports": {"lit": "http://localhost/x.js"}}}'), true, /only/],
    [{ imports: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`s${i}`, 'http://localhost/x.js'])) }, true, /more than/],
  ] as const) {
    const result = parse(value, { encode });
    assert.deepEqual([result.imports, result.podlets], [{}, {}], JSON.stringify(value));
    assert.equal(result.rejected.length, 1);
    assert.match(result.rejected[0]!.reason, reason, JSON.stringify(value));
  }
});

test('parseOverridesCookie() - a huge cookie - refused before it is decoded or parsed (security)', () => {
  const huge = { imports: { lit: `http://localhost/${'a'.repeat(MAX_COOKIE_BYTES)}.js` } };
  const result = parse(huge);
  assert.deepEqual(result.imports, {});
  assert.match(result.rejected[0]!.reason, /larger than 4096 bytes/);
  assert.ok(result.rejected[0]!.value.length <= 80, 'the rejection does not echo the whole cookie');
});

test('parseOverridesCookie() - hostile URLs - refused one by one, the good ones kept (security)', () => {
  const hostile = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)', // the URL parser would drop the tab
    ' http://localhost/x.js', // and trim the space
    'data:text/javascript,alert(1)',
    'blob:http://localhost/uuid',
    'file:///etc/passwd',
    'ftp://localhost/x.js',
    '//evil.example/x.js', // protocol-relative
    '/x.js',
    'x.js',
    'http:evil.example/x.js',
    'http:/\\evil.example/x.js',
    'http://evil.example/x.js',
    'http://localhost.evil.example/x.js',
    'http://evil.example/localhost/x.js',
    'http://localhost@evil.example/x.js',
    'http://evil.example#@localhost/x.js',
    'http://user:pass@localhost/x.js',
    'http://l\u043ecalhost/x.js', // Cyrillic о: punycode, another host
    'http://localhost\u3002evil.example/x.js', // ideographic full stop: a dot to IDNA
    'http://localhost./x.js',
    'http://localhost/x.js?q=1',
    'http://localhost/x.js#f',
    'http://localhost/x.js\u2028',
    'http://[::1]@evil.example/',
    'http://0.0.0.0/x.js',
  ];
  const imports = Object.fromEntries(hostile.map((url, i) => [`s${i}`, url]));
  const result = parse({ imports: { ...imports, good: 'http://localhost:8000/good.js' } });
  assert.deepEqual(result.imports, { good: 'http://localhost:8000/good.js' });
  assert.deepEqual(
    result.rejected.map((r) => r.key),
    hostile.map((_, i) => `s${i}`),
  );
});

test('parseOverridesCookie() - unicode that maps to an allowed host - accepted only as the canonical host', () => {
  // IDNA maps fullwidth and circled letters to ASCII: the browser would reach localhost itself,
  // and the map gets the canonical spelling, never the cookie's.
  const result = parse({ imports: { a: 'http://ｌｏｃａｌｈｏｓｔ:8000/a.js', b: 'http://ⓛocalhost:8000/b.js' } });
  assert.deepEqual(result.imports, { a: 'http://localhost:8000/a.js', b: 'http://localhost:8000/b.js' });
});

test('parseOverridesCookie() - hostile keys - unknown podlets, empty, control characters, __proto__ (security)', () => {
  const result = parse(
    JSON.parse(
      '{"imports": {"": "http://localhost/a.js", "a\\nb": "http://localhost/a.js", "__proto__": "http://localhost/a.js", "x/": "http://localhost/x.js", "ok": 1},' +
        ' "podlets": {"evil": "http://localhost/", "__proto__": "http://localhost/", "auth": "http://localhost:8300/public/"}}',
    ),
  );
  assert.deepEqual(result.imports, {});
  assert.deepEqual(result.podlets, { auth: 'http://localhost:8300/public/' });
  assert.equal(Object.getPrototypeOf(result.imports), Object.prototype);
  assert.deepEqual(
    result.rejected.map((r) => r.key),
    ['', 'a\nb', '__proto__', 'x/', 'ok', 'evil', '__proto__'],
  );
});

test('parseOverridesCookie() - allowedHosts - replaces the default list', () => {
  const result = parse(
    { imports: { a: 'https://dev.example.test/a.js', b: 'http://localhost/b.js' } },
    { allowedHosts: ['dev.example.test'] },
  );
  assert.deepEqual(result.imports, { a: 'https://dev.example.test/a.js' });
  assert.deepEqual(
    result.rejected.map((r) => r.key),
    ['b'],
  );
});

test('parseOverridesCookie() - any cookie string - never throws, and accepts only http(s) URLs on allowed hosts (property)', () => {
  fc.assert(
    fc.property(fc.string(), fc.dictionary(fc.string(), fc.oneof(fc.webUrl(), fc.string(), fc.integer())), (junk, imports) => {
      for (const cookie of [`${OVERRIDES_COOKIE}=${junk}`, header({ imports }), header({ podlets: imports })]) {
        const result = parseOverridesCookie(cookie, { podlets })!;
        for (const url of [...Object.values(result.imports), ...Object.values(result.podlets)]) {
          const parsed = new URL(url);
          assert.ok(['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname), url);
          assert.ok(parsed.protocol === 'http:' || parsed.protocol === 'https:', url);
        }
      }
    }),
  );
});
