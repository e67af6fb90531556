import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { publishInstalledPackages } from '../../../runtime/cdn/index.ts';
import { collectCleanups } from '../../helpers/cleanups.ts';
import { get, makeTempDir, projectRoot, startCdn } from '../helpers.ts';

// One store for the file: publishing lit 3 and lit 2 (with precompression) takes a few seconds.
const cleanups = collectCleanups();
let store = '';
let origin = '';
before(async () => {
  store = await makeTempDir(cleanups);
  await publishInstalledPackages(store, projectRoot, ['lit']);
  await publishInstalledPackages(store, `${projectRoot}podlets/geo`, ['lit']);
  origin = await startCdn(cleanups, { storeDir: store, aliasMaxAge: 120 });
});

after(async () => {
  await cleanups.run();
});

describe('createCdnServer() - exact file', () => {
  test('answers 200 with immutable cache, strong ETag, CORS, Timing-Allow-Origin and the JS type', async () => {
    const res = await get(`${origin}/npm/lit@3.3.3/index.js`, { 'accept-encoding': 'identity' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(res.headers.get('etag')!, /^"[A-Za-z0-9_-]{22}"$/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('timing-allow-origin'), '*');
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    assert.match(await res.text(), /export\*from"lit-element\/lit-element.js"/);
  });

  test('answers 304 on a matching If-None-Match', async () => {
    const first = await get(`${origin}/npm/lit@3.3.3/index.js`);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const second = await get(`${origin}/npm/lit@3.3.3/index.js`, { 'if-none-match': `W/${etag}, "other"` });
    assert.equal(second.status, 304);
    assert.equal(second.headers.get('etag'), etag);
    assert.equal(await second.text(), '');
  });

  test('sends the stored brotli copy to a client that accepts br, gzip to one that accepts only gzip', async () => {
    const plain = await get(`${origin}/npm/lit-html@3.3.3/lit-html.js`, { 'accept-encoding': 'identity' });
    const plainTag = plain.headers.get('etag')!;
    const original = Buffer.from(await plain.arrayBuffer());
    for (const [accept, coding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      // fetch decodes bodies itself, so read the raw headers and compare the decoded bytes.
      const res = await get(`${origin}/npm/lit-html@3.3.3/lit-html.js`, { 'accept-encoding': accept });
      assert.equal(res.headers.get('content-encoding'), coding, accept);
      // Each stored representation has its own strong ETag.
      const suffix = coding === 'br' ? '-br' : coding === 'gzip' ? '-gz' : '';
      assert.equal(res.headers.get('etag'), plainTag.replace(/"$/, `${suffix}"`), accept);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), original, accept);
    }
  });

  test('a scoped package file is served', async () => {
    const res = await get(`${origin}/npm/@lit/reactive-element@2.1.2/reactive-element.js`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  test('answers 404 PODMAP_ERR_NOT_FOUND as JSON for an unknown file, version and package', async () => {
    for (const path of ['/npm/lit@3.3.3/nope.js', '/npm/lit@3.3.4/index.js', '/npm/no-such-pkg@1.0.0/index.js', '/npm/lit@9/index.js']) {
      const res = await get(origin + path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_NOT_FOUND', path);
    }
  });

  test('answers 400 with a code for a malformed name or version', async () => {
    const cases = [
      ['/npm/Not Valid@1.0.0/a.js', 'PODMAP_ERR_CDN_BAD_NAME'],
      ['/npm/lit@v3.3.3/index.js', 'PODMAP_ERR_CDN_BAD_VERSION'],
      ['/npm/lit@3.3/index.js', 'PODMAP_ERR_CDN_BAD_VERSION'],
      ['/-/npm/.hidden', 'PODMAP_ERR_CDN_BAD_NAME'],
    ];
    for (const [path, code] of cases) {
      const res = await get(origin + path!);
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, code, path);
    }
  });

  test('answers 405 to POST on a file', async () => {
    const res = await fetch(`${origin}/npm/lit@3.3.3/index.js`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_METHOD_NOT_ALLOWED');
  });
});

describe('createCdnServer() - alias URL', () => {
  test('answers 302 to the newest exact version in the major, keeping the file path, with the short cache', async () => {
    const res = await get(`${origin}/npm/lit@3/decorators/property.js?x=1`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/npm/lit@3.3.3/decorators/property.js');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=120');
    const older = await get(`${origin}/npm/lit@2/index.js`);
    assert.equal(older.headers.get('location'), '/npm/lit@2.8.0/index.js');
  });

  test('works for scoped names', async () => {
    const res = await get(`${origin}/npm/@lit/reactive-element@1/css-tag.js`);
    assert.equal(res.headers.get('location'), '/npm/@lit/reactive-element@1.6.3/css-tag.js');
  });
});

describe('createCdnServer() - JSON endpoints', () => {
  test('/-/npm/lit lists versions ascending and the newest per major', async () => {
    const res = await get(`${origin}/-/npm/lit`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=120');
    assert.deepEqual(await res.json(), { name: 'lit', versions: ['2.8.0', '3.3.3'], majors: { 2: '2.8.0', 3: '3.3.3' } });
  });

  test('/-/npm/<unknown> answers 404 PODMAP_ERR_CDN_PACKAGE_UNKNOWN', async () => {
    const res = await get(`${origin}/-/npm/not-published`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_CDN_PACKAGE_UNKNOWN');
    const version = await get(`${origin}/-/npm/lit@1.0.0`);
    assert.equal(((await version.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_CDN_VERSION_UNKNOWN');
  });

  test('/-/npm/lit@3.3.3 serves the stored metadata: its build, exports, dependencies, integrity and imports', async () => {
    const res = await get(`${origin}/-/npm/lit@3.3.3`);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const meta = (await res.json()) as {
      exports: Record<string, string>;
      dependencies: Record<string, string>;
      files: Record<string, { integrity: string; imports?: string[]; type: string; size: number }>;
      build: { entries: Record<string, string>; unavailable: Record<string, string> };
    };
    // Every entry point lit exports has a built module, and the map entries point at them.
    assert.equal(meta.build.entries['.'], '+/index.js');
    assert.equal(meta.build.entries['./decorators.js'], '+/decorators.js');
    assert.deepEqual(meta.build.unavailable, {});
    assert.equal(meta.exports['lit'], './+/index.js');
    assert.equal(meta.exports['lit/directives/repeat.js'], './+/directives/repeat.js');
    assert.ok(!('lit/' in meta.exports), 'no prefix entry: only entry points are importable');
    assert.deepEqual(Object.keys(meta.dependencies).sort(), ['@lit/reactive-element', 'lit-element', 'lit-html']);
    assert.deepEqual(meta.files['index.js']!.imports, [
      '@lit/reactive-element',
      'lit-html',
      'lit-element/lit-element.js',
      'lit-html/is-server.js',
    ]);
    const index = meta.files['+/index.js']!;
    assert.match(index.integrity, /^sha384-[A-Za-z0-9+/]{64}$/);
    // Other packages stay bare imports, for the page's map to resolve to one shared copy.
    assert.deepEqual(index.imports, ['@lit/reactive-element', 'lit-html', 'lit-element/lit-element.js', 'lit-html/is-server.js']);
    const body = Buffer.from(await (await get(`${origin}/npm/lit@3.3.3/+/index.js`)).arrayBuffer());
    const { createHash } = await import('node:crypto');
    assert.equal(index.integrity, `sha384-${createHash('sha384').update(body).digest('base64')}`);
  });

  test('/-/npm/lit@3 redirects to the exact metadata URL', async () => {
    const res = await get(`${origin}/-/npm/lit@3`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/-/npm/lit@3.3.3');
  });

  test("/-/map/npm/lit@3.3.3 maps lit's and its dependencies' entry points to their production builds", async () => {
    const res = await get(`${origin}/-/map/npm/lit@3.3.3`);
    assert.equal(res.status, 200);
    const map = (await res.json()) as {
      imports: Record<string, string>;
      scopes: Record<string, unknown>;
      integrity: Record<string, string>;
    };
    assert.equal(map.imports['lit'], '/npm/lit@3.3.3/+/index.js');
    assert.equal(map.imports['lit/decorators.js'], '/npm/lit@3.3.3/+/decorators.js');
    assert.equal(map.imports['lit-html'], '/npm/lit-html@3.3.3/+/index.js');
    assert.equal(map.imports['lit-html/is-server.js'], '/npm/lit-html@3.3.3/+/is-server.js');
    assert.equal(map.imports['lit-element/lit-element.js'], '/npm/lit-element@4.2.2/+/lit-element.js');
    assert.equal(map.imports['@lit/reactive-element'], '/npm/@lit/reactive-element@2.1.2/+/index.js');
    assert.ok(
      Object.keys(map.imports).every((key) => !key.endsWith('/')),
      'no prefix entries',
    );
    assert.ok(Object.values(map.imports).every((url) => url.includes('/+/') && !url.includes('/development/')));
    // A types-only dependency (@types/trusted-types) contributes nothing a browser can import.
    assert.ok(!Object.keys(map.imports).some((key) => key.startsWith('@types/')));
    assert.deepEqual(map.scopes, {});
    for (const url of [
      '/npm/lit@3.3.3/+/index.js',
      '/npm/lit-html@3.3.3/+/index.js',
      '/npm/lit-element@4.2.2/+/lit-element.js',
      '/npm/lit@3.3.3/+/decorators/property.js',
    ]) {
      assert.match(map.integrity[url] ?? '', /^sha384-/, url);
    }
    assert.ok(Object.keys(map.integrity).every((url) => url.endsWith('.js')));
  });

  test('/-/map/npm/lit@2.8.0 resolves to the 2.x line of its dependencies', async () => {
    const map = (await (await get(`${origin}/-/map/npm/lit@2.8.0`)).json()) as { imports: Record<string, string> };
    assert.equal(map.imports['lit-html'], '/npm/lit-html@2.8.0/+/index.js');
    assert.equal(map.imports['lit-element/lit-element.js'], '/npm/lit-element@3.3.3/+/lit-element.js');
  });
});
