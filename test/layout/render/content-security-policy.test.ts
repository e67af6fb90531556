import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildContentSecurityPolicy, createNonce, scriptOriginsOf } from '../../../runtime/layout/render/content-security-policy.ts';

test('createNonce() - 128 random bits in base64, new for every call', () => {
  const nonces = new Set(Array.from({ length: 100 }, createNonce));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
});

test('buildContentSecurityPolicy() - nonce, strict-dynamic, host fallbacks, no plugins, no <base>', () => {
  const policy = buildContentSecurityPolicy('abc', ['http://127.0.0.1:7700', 'http://127.0.0.1:7100']);
  assert.equal(
    policy,
    "script-src 'nonce-abc' 'strict-dynamic' 'self' http://127.0.0.1:7100 http://127.0.0.1:7700; style-src 'self' 'nonce-abc'; object-src 'none'; base-uri 'none'",
  );
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|blob:|data:/, 'nothing that would let injected script run');
});

test('buildContentSecurityPolicy() - stylesheet origins and style hashes - style-src lists them, hashes quoted, no unsafe-inline', () => {
  const hash = 'sha256-3UIIXPo5Kvu6ucY3xd2FX2MV5qcDAMG38x4iz3rQPK8=';
  const policy = buildContentSecurityPolicy('abc', [], {
    style: { origins: ['http://cdn.example:7700', 'http://cdn.example:7700'], hashes: [hash, hash] },
  });
  assert.match(policy, new RegExp(`; style-src 'self' 'nonce-abc' http://cdn\\.example:7700 '${hash.replace(/[+/=]/g, '\\$&')}';`));
  assert.doesNotMatch(policy, /unsafe-inline/);
});

test('buildContentSecurityPolicy() - a style hash with a space or ";" - throws instead of adding a source (security)', () => {
  for (const hash of ["sha256-x' 'unsafe-inline", 'sha256-x; script-src *']) {
    assert.throws(() => buildContentSecurityPolicy('abc', [], { style: { origins: [], hashes: [hash] } }), TypeError);
  }
});

test('buildContentSecurityPolicy() - a configured source with ";" or a space - throws instead of adding a directive (security)', () => {
  assert.throws(() => buildContentSecurityPolicy('abc', [], { scriptSrc: ["https://a.example; script-src 'unsafe-inline'"] }), TypeError);
  assert.throws(() => buildContentSecurityPolicy('abc', [], { scriptSrc: ['https://a.example https://b.example'] }), TypeError);
  assert.throws(() => buildContentSecurityPolicy('abc', [], { reportUri: '/csp;x' }), TypeError);
  assert.match(buildContentSecurityPolicy('abc', [], { reportUri: '/csp-report' }), /; report-uri \/csp-report$/);
});

test('scriptOriginsOf() - hostile URLs in a map - only plain http(s) origins reach the policy (security)', () => {
  const origins = scriptOriginsOf({
    map: {
      imports: {
        a: 'http://cdn.example:7700/npm/a@1.0.0/index.js',
        b: 'http://a;b/x.js', // a legal host that would end the directive
        c: "http://a,'unsafe-inline'/x.js",
        d: 'data:text/javascript,alert(1)',
        e: 'blob:http://cdn.example/uuid',
        f: './relative.js',
        g: 'javascript:alert(1)',
      },
      scopes: { 'http://podlet.example/': { lit: 'https://[::1]:8443/lit.js' } },
    },
    preloads: [{ href: 'http://cdn.example:7700/npm/a@1.0.0/dep.js' }],
    scripts: [{ src: 'http://podlet.example/public@1.0.0/p.js', type: 'module' }],
    shimUrl: null,
  });
  assert.deepEqual(origins.sort(), ['http://cdn.example:7700', 'http://podlet.example', 'https://[::1]:8443']);
});
