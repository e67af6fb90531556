import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { PodmapError } from '../../../runtime/shared/errors.ts';
import { publishInstalledPackages, publishPodletRelease, publishTarball } from '../../../runtime/cdn/index.ts';
import { get, makeTempDir, manifestOf, packFixture, startCdn } from '../helpers.ts';

const token = 'test-token-1234';

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

describe('publishTarball()', () => {
  test('publishes an npm pack tarball as npm/<name>@<version> with metadata', async (t) => {
    const dir = await makeTempDir(t);
    const tgz = await packFixture(dir, {
      'package.json': manifestOf('@acme/widgets', '1.2.0', { exports: { '.': './index.js' }, dependencies: { lit: '^3.0.0' } }),
      'index.js':
        "import { html } from 'lit';\nexport const x = () => import('./lazy.js');\nexport const y = () => import('optional-peer').catch(() => null);\n",
      'lazy.js': 'export default 1;\n',
    });
    const store = join(dir, 'store');
    assert.deepEqual(await publishTarball(store, tgz), { name: '@acme/widgets', version: '1.2.0' });
    const meta = JSON.parse(await readFile(join(store, 'npm/@acme/widgets@1.2.0/meta.json'), 'utf8'));
    assert.deepEqual(meta.files['index.js'].imports, ['lit', './lazy.js', 'optional-peer']);
    assert.deepEqual(meta.files['index.js'].dynamicImports, ['./lazy.js', 'optional-peer'], 'what only import() loads, apart');
    // The files as published stay; the browser build sits beside them and is what the map points at.
    assert.equal(await readFile(join(store, 'npm/@acme/widgets@1.2.0/files/lazy.js'), 'utf8'), 'export default 1;\n');
    assert.deepEqual(meta.build, { entries: { '.': '+/index.js' }, unavailable: {} });
    assert.deepEqual(meta.exports, { '@acme/widgets': './+/index.js' });
    assert.deepEqual(meta.files['+/index.js'].imports, ['lit', 'optional-peer'], 'lit stays a bare import; lazy.js is built in');
    assert.deepEqual(meta.files['+/index.js'].dynamicImports, ['optional-peer'], 'a page need not resolve it to run the package');
    assert.match(meta.files['+/index.js'].integrity, /^sha384-/);
  });

  test('a package whose main entry point needs the fs module - is refused with PODMAP_ERR_CDN_NOT_FOR_BROWSERS, naming entry and reason', async (t) => {
    const dir = await makeTempDir(t);
    const tgz = await packFixture(dir, {
      'package.json': manifestOf('needs-fs', '1.0.0', { main: 'index.js', type: 'commonjs' }),
      'index.js': "const fs = require('fs');\nexports.read = (p) => fs.readFileSync(p, 'utf8');\n",
    });
    const store = join(dir, 'store');
    await assert.rejects(publishTarball(store, tgz), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PODMAP_ERR_CDN_NOT_FOR_BROWSERS');
      assert.match(error.message, /needs-fs@1\.0\.0: \.: needs Node: imports the built-in "fs"/);
      return true;
    });
    await assert.rejects(readFile(join(store, 'npm/needs-fs@1.0.0/meta.json')), { code: 'ENOENT' });
  });

  test('an ES module package (type: module) whose main entry point calls require() on a built-in - is refused with PODMAP_ERR_CDN_NOT_FOR_BROWSERS too', async (t) => {
    const dir = await makeTempDir(t);
    const tgz = await packFixture(dir, {
      'package.json': manifestOf('esm-needs-path', '1.0.0', { exports: { '.': './index.js' }, type: 'module' }),
      'index.js': "export const join = (...parts) => require('node:path').join(...parts);\n",
    });
    const store = join(dir, 'store');
    await assert.rejects(publishTarball(store, tgz), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PODMAP_ERR_CDN_NOT_FOR_BROWSERS');
      assert.match(error.message, /esm-needs-path@1\.0\.0: \.: needs Node: imports the built-in "path"/);
      return true;
    });
    await assert.rejects(readFile(join(store, 'npm/esm-needs-path@1.0.0/meta.json')), { code: 'ENOENT' });
  });

  test('a package whose main entry point esbuild cannot build - is refused with PODMAP_ERR_CDN_BUILD_FAILED, naming entry and error', async (t) => {
    const dir = await makeTempDir(t);
    const tgz = await packFixture(dir, {
      'package.json': manifestOf('broken-main', '1.0.0', { exports: { '.': './index.js', './ok': './ok.js' } }),
      'index.js': "export { missing } from './not-there.js';\n",
      'ok.js': 'export const ok = 1;\n',
    });
    const store = join(dir, 'store');
    await assert.rejects(publishTarball(store, tgz), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PODMAP_ERR_CDN_BUILD_FAILED');
      assert.match(error.message, /broken-main@1\.0\.0: \.: the build failed: Could not resolve "\.\/not-there\.js"/);
      return true;
    });
    await assert.rejects(readFile(join(store, 'npm/broken-main@1.0.0/meta.json')), { code: 'ENOENT' });
  });

  test('an existing version - throws PODMAP_ERR_CDN_VERSION_EXISTS and changes nothing', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    const first = await packFixture(join(dir, 'a'), { 'package.json': manifestOf('same', '1.0.0'), 'index.js': 'export const v = 1;' });
    const second = await packFixture(join(dir, 'b'), { 'package.json': manifestOf('same', '1.0.0'), 'index.js': 'export const v = 2;' });
    await publishTarball(store, first);
    const before = await stat(join(store, 'npm/same@1.0.0/meta.json'));
    await assert.rejects(
      publishTarball(store, second),
      (e: unknown) => e instanceof PodmapError && e.code === 'PODMAP_ERR_CDN_VERSION_EXISTS',
    );
    assert.equal(await readFile(join(store, 'npm/same@1.0.0/files/index.js'), 'utf8'), 'export const v = 1;');
    assert.equal((await stat(join(store, 'npm/same@1.0.0/meta.json'))).mtimeMs, before.mtimeMs);
    assert.deepEqual(await readdir(join(store, '.staging')), []);
  });

  test('concurrent publishes of one version - exactly one wins, no partial version, no staging left', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    const tarballs = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        packFixture(join(dir, String(n)), { 'package.json': manifestOf('race', '1.0.0'), 'index.js': `export const n = ${n};` }),
      ),
    );
    const results = await Promise.allSettled(tarballs.map((tgz) => publishTarball(store, tgz)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as PodmapError).code, 'PODMAP_ERR_CDN_VERSION_EXISTS');
    }
    // The files are too small for compression to pay, so there are no br/ and gz/ copies.
    assert.deepEqual((await readdir(join(store, 'npm/race@1.0.0'))).sort(), ['files', 'meta.json']);
    const winner = await readFile(join(store, 'npm/race@1.0.0/files/index.js'), 'utf8');
    assert.match(winner, /^export const n = [1-4];$/);
    assert.deepEqual(await readdir(join(store, '.staging')), []);
  });

  test('an interrupted publish - its staging folder is never served as a version', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    // What a crash mid-publish leaves: a staging folder with some files and no rename.
    await writeTree(join(store, '.staging', 'publish-crashed'), { 'files/index.js': 'partial' });
    const origin = await startCdn(t, { storeDir: store });
    assert.equal((await get(`${origin}/-/npm/crashed`)).status, 404);
    assert.equal((await get(`${origin}/npm/crashed@1.0.0/index.js`)).status, 404);
  });

  test('a tarball entry that climbs out of the package - refused with PODMAP_ERR_CDN_TARBALL_INVALID (security regression)', async (t) => {
    const dir = await makeTempDir(t);
    const { create } = await import('tar');
    await writeTree(join(dir, 'src'), { 'package/package.json': manifestOf('evil', '1.0.0'), 'escape.js': 'x' });
    const tgz = join(dir, 'evil.tgz');
    // tar strips ".." by default; keep it to build the hostile archive.
    await create({ gzip: true, file: tgz, cwd: join(dir, 'src'), preservePaths: true }, ['package/package.json', 'package/../escape.js']);
    await assert.rejects(
      publishTarball(join(dir, 'store'), tgz),
      (e: unknown) => e instanceof PodmapError && e.code === 'PODMAP_ERR_CDN_TARBALL_INVALID',
    );
    await assert.rejects(stat(join(dir, 'store', 'npm', 'evil@1.0.0')));
  });
});

describe('publishInstalledPackages()', () => {
  test('publishes dependencies transitively, each resolved from its own folder, including a symlinked workspace package', async (t) => {
    const dir = await makeTempDir(t);
    const app = join(dir, 'app');
    await writeTree(app, {
      'package.json': JSON.stringify({ name: 'app', dependencies: { '@acme/ws': '*', a: '^1.0.0' } }),
      // a: `files` limits what is packed; dotfiles and nested node_modules are skipped.
      'node_modules/a/package.json': manifestOf('a', '1.0.0', { files: ['dist/', '*.{js,cjs}'], dependencies: { b: '^2.0.0' } }),
      'node_modules/a/dist/a.js': "import 'b';",
      'node_modules/a/top.js': '',
      'node_modules/a/src/a.ts': 'source',
      'node_modules/a/dist/.secret': 'token',
      'node_modules/a/README.md': '# a',
      'node_modules/a/node_modules/b/package.json': manifestOf('b', '2.0.0'),
      'node_modules/a/node_modules/b/index.js': 'export default 2;',
      // A top-level b@1 must not be taken for a's dependency.
      'node_modules/b/package.json': manifestOf('b', '1.0.0'),
      'node_modules/b/index.js': 'export default 1;',
    });
    await writeTree(join(dir, 'ws'), {
      'package.json': manifestOf('@acme/ws', '0.1.0', {
        files: ['public/'],
        exports: { '.': './public/index.js', './*.js': './public/*.js' },
      }),
      'public/index.js': 'export {};',
      'src/index.ts': '',
    });
    await mkdir(join(app, 'node_modules/@acme'), { recursive: true });
    await symlink(join(dir, 'ws'), join(app, 'node_modules/@acme/ws'));
    const store = join(dir, 'store');
    const result = await publishInstalledPackages(store, app);
    assert.deepEqual(result.published.sort(), ['@acme/ws@0.1.0', 'a@1.0.0', 'b@2.0.0']);
    const aMeta = JSON.parse(await readFile(join(store, 'npm/a@1.0.0/meta.json'), 'utf8'));
    // a has no main file: its top-level module is its entry point (`a/top`, `a/top.js`).
    assert.deepEqual(Object.keys(aMeta.files).sort(), ['+/top.js', 'README.md', 'dist/a.js', 'package.json', 'top.js']);
    const wsMeta = JSON.parse(await readFile(join(store, 'npm/@acme/ws@0.1.0/meta.json'), 'utf8'));
    assert.deepEqual(Object.keys(wsMeta.files).sort(), ['+/index.js', 'package.json', 'public/index.js']);
    assert.deepEqual(wsMeta.exports, { '@acme/ws': './+/index.js', '@acme/ws/index.js': './+/index.js' });
    const again = await publishInstalledPackages(store, app);
    assert.deepEqual(again.published, []);
    assert.deepEqual(again.skipped.sort(), ['@acme/ws@0.1.0', 'a@1.0.0', 'b@2.0.0']);
  });

  test('a dependency whose main entry point cannot be built - is published with it marked unavailable; the package asked for is refused', async (t) => {
    const dir = await makeTempDir(t);
    const app = join(dir, 'app');
    await writeTree(app, {
      'package.json': JSON.stringify({ name: 'app', dependencies: { uses: '^1.0.0', broken: '^1.0.0' } }),
      'node_modules/uses/package.json': manifestOf('uses', '1.0.0', { dependencies: { broken: '^1.0.0' } }),
      'node_modules/uses/index.js': "export { ok } from 'broken/ok';\n",
      'node_modules/broken/package.json': manifestOf('broken', '1.0.0', { exports: { '.': './index.js', './ok': './ok.js' } }),
      'node_modules/broken/index.js': "export { missing } from './not-there.js';\n",
      'node_modules/broken/ok.js': 'export const ok = 1;\n',
    });
    const store = join(dir, 'store');
    const published = await publishInstalledPackages(store, app, ['uses']);
    assert.deepEqual(published.published.sort(), ['broken@1.0.0', 'uses@1.0.0']);
    const meta = JSON.parse(await readFile(join(store, 'npm/broken@1.0.0/meta.json'), 'utf8'));
    assert.deepEqual(meta.build.entries, { './ok': '+/ok.js' });
    assert.match(meta.build.unavailable['.'], /^the build failed: Could not resolve "\.\/not-there\.js"/);
    await assert.rejects(publishInstalledPackages(join(dir, 'store-2'), app, ['broken']), { code: 'PODMAP_ERR_CDN_BUILD_FAILED' });
  });

  test('a dependency whose build crashes its build process - refuses the publish with PODMAP_ERR_CDN_BUILD_CRASHED, and does not store it', async (t) => {
    const dir = await makeTempDir(t);
    const app = join(dir, 'app');
    await writeTree(app, {
      'package.json': JSON.stringify({ name: 'app', dependencies: { uses: '^1.0.0' } }),
      'node_modules/uses/package.json': manifestOf('uses', '1.0.0', { dependencies: { deep: '^1.0.0' } }),
      'node_modules/uses/index.js': "export { a } from 'deep';\n",
      'node_modules/deep/package.json': manifestOf('deep', '1.0.0'),
      'node_modules/deep/index.js': `export const a = ${'!'.repeat(262_144)}1;\n`,
    });
    const store = join(dir, 'store');
    await assert.rejects(publishInstalledPackages(store, app, ['uses']), (error: unknown) => {
      assert.ok(error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_BUILD_CRASHED', String(error));
      assert.match(error.detail!, /^deep@1\.0\.0: /);
      return true;
    });
    assert.ok(!(await readdir(join(store, 'npm'))).includes('deep@1.0.0'), 'not stored without its build: a later publish can build it');
  });

  test('a package that is not installed - throws PODMAP_ERR_CDN_PACKAGE_UNKNOWN', async (t) => {
    const dir = await makeTempDir(t);
    await assert.rejects(
      publishInstalledPackages(join(dir, 'store'), dir, ['not-installed']),
      (e: unknown) => (e as PodmapError).code === 'PODMAP_ERR_CDN_PACKAGE_UNKNOWN',
    );
  });
});

describe('publishPodletRelease()', () => {
  test("publishes a podlet's public/ folder as podlet/<name>@<version>, served like any version", async (t) => {
    const dir = await makeTempDir(t);
    await writeTree(join(dir, 'public'), { 'index.js': "import 'lit';", 'css/app.css': 'a{}', '.DS_Store': 'x' });
    const store = join(dir, 'store');
    await publishPodletRelease(store, 'geo', '1.0.0', join(dir, 'public'));
    const origin = await startCdn(t, { storeDir: store });
    const res = await get(`${origin}/podlet/geo@1.0.0/css/app.css`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
    const meta = (await (await get(`${origin}/-/podlet/geo@1.0.0`)).json()) as { files: object; exports: object };
    assert.deepEqual(Object.keys(meta.files).sort(), ['css/app.css', 'index.js']);
    assert.deepEqual(meta.exports, { 'geo/': './' });
    await assert.rejects(
      publishPodletRelease(store, 'geo', '1.0.0', join(dir, 'public')),
      (e: unknown) => (e as PodmapError).code === 'PODMAP_ERR_CDN_VERSION_EXISTS',
    );
  });
});

function put(origin: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  return fetch(origin + path, { method: 'PUT', body: new Uint8Array(body), headers }).then(async (res) => {
    const json = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: json.error?.code };
  });
}

describe('createCdnServer() - PUT publish', () => {
  test('needs the bearer token: 201 with it, 401 without or wrong, then 409 for the same version', async (t) => {
    const dir = await makeTempDir(t);
    const tgz = await readFile(await packFixture(dir, { 'package.json': manifestOf('up', '1.0.0'), 'index.js': 'export {}' }));
    const origin = await startCdn(t, { storeDir: join(dir, 'store'), publishToken: token });
    assert.deepEqual(await put(origin, '/npm/up@1.0.0', tgz, {}), { status: 401, code: 'PODMAP_ERR_CDN_UNAUTHORIZED' });
    assert.deepEqual(await put(origin, '/npm/up@1.0.0', tgz, { authorization: 'Bearer wrong' }), {
      status: 401,
      code: 'PODMAP_ERR_CDN_UNAUTHORIZED',
    });
    assert.deepEqual(await put(origin, '/npm/up@1.0.0', tgz, { authorization: `Bearer ${token}` }), { status: 201, code: undefined });
    assert.equal((await get(`${origin}/npm/up@1/index.js`)).headers.get('location'), '/npm/up@1.0.0/index.js');
    assert.deepEqual(await put(origin, '/npm/up@1.0.0', tgz, { authorization: `Bearer ${token}` }), {
      status: 409,
      code: 'PODMAP_ERR_CDN_VERSION_EXISTS',
    });
    assert.deepEqual(await put(origin, '/npm/up@2.0.0', tgz, { authorization: `Bearer ${token}` }), {
      status: 400,
      code: 'PODMAP_ERR_CDN_PUBLISH_MISMATCH',
    });
    assert.deepEqual(await put(origin, '/npm/up@3.0.0', Buffer.from('not a tarball'), { authorization: `Bearer ${token}` }), {
      status: 400,
      code: 'PODMAP_ERR_CDN_TARBALL_INVALID',
    });
  });

  test("a package with 262,144 `!` in a row, which stops esbuild's service (security) - 422 PODMAP_ERR_CDN_BUILD_CRASHED, nothing stored; the next package still builds in the same CDN", async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    const origin = await startCdn(t, { storeDir: store, publishToken: token });
    const hostile = await packFixture(join(dir, 'hostile'), {
      'package.json': manifestOf('hostile', '1.0.0'),
      'index.js': `export const a = ${'!'.repeat(262_144)}1;\n`,
    });
    const auth = { authorization: `Bearer ${token}` };
    assert.deepEqual(await put(origin, '/npm/hostile@1.0.0', await readFile(hostile), auth), {
      status: 422,
      code: 'PODMAP_ERR_CDN_BUILD_CRASHED',
    });
    assert.equal((await get(`${origin}/-/npm/hostile@1.0.0`)).status, 404, 'nothing stored');
    const next = await packFixture(join(dir, 'next'), {
      'package.json': manifestOf('next', '1.0.0'),
      'index.js': 'export const twice = (n) => n * 2;\n',
    });
    assert.deepEqual(await put(origin, '/npm/next@1.0.0', await readFile(next), auth), { status: 201, code: undefined });
    const meta = JSON.parse(await readFile(join(store, 'npm/next@1.0.0/meta.json'), 'utf8'));
    assert.equal(meta.build.entries['.'], '+/index.js', 'built by esbuild after the crash');
    assert.match(await readFile(join(store, 'npm/next@1.0.0/files/+/index.js'), 'utf8'), /=>\w\*2;export\{\w as twice\}/);
  });

  test('without a configured token - publishing is off (403) and reads still work', async (t) => {
    const dir = await makeTempDir(t);
    const saved = process.env.PODMAP_CDN_TOKEN;
    delete process.env.PODMAP_CDN_TOKEN;
    t.after(() => {
      if (saved !== undefined) process.env.PODMAP_CDN_TOKEN = saved;
    });
    const origin = await startCdn(t, { storeDir: join(dir, 'store') });
    assert.deepEqual(await put(origin, '/npm/up@1.0.0', Buffer.from('x'), { authorization: 'Bearer anything' }), {
      status: 403,
      code: 'PODMAP_ERR_CDN_PUBLISH_DISABLED',
    });
  });

  test('takes the token from PODMAP_CDN_TOKEN', async (t) => {
    const dir = await makeTempDir(t);
    const saved = process.env.PODMAP_CDN_TOKEN;
    process.env.PODMAP_CDN_TOKEN = 'from-env';
    t.after(() => {
      if (saved === undefined) delete process.env.PODMAP_CDN_TOKEN;
      else process.env.PODMAP_CDN_TOKEN = saved;
    });
    const tgz = await readFile(await packFixture(dir, { 'package.json': manifestOf('envtok', '1.0.0'), 'index.js': '' }));
    const origin = await startCdn(t, { storeDir: join(dir, 'store') });
    assert.equal((await put(origin, '/npm/envtok@1.0.0', tgz, { authorization: 'Bearer from-env' })).status, 201);
  });

  test('an upload over maxUploadBytes - 413 PODMAP_ERR_CDN_UPLOAD_TOO_LARGE', async (t) => {
    const dir = await makeTempDir(t);
    const origin = await startCdn(t, { storeDir: join(dir, 'store'), publishToken: token, maxUploadBytes: 1000 });
    assert.deepEqual(await put(origin, '/npm/big@1.0.0', Buffer.alloc(5000), { authorization: `Bearer ${token}` }), {
      status: 413,
      code: 'PODMAP_ERR_CDN_UPLOAD_TOO_LARGE',
    });
  });

  test('an upload slower than uploadTimeoutMs - 408 PODMAP_ERR_CDN_UPLOAD_TIMEOUT', async (t) => {
    const dir = await makeTempDir(t);
    const origin = await startCdn(t, { storeDir: join(dir, 'store'), publishToken: token, uploadTimeoutMs: 200 });
    const { port } = new URL(origin);
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/npm/slow@1.0.0',
          headers: { authorization: `Bearer ${token}`, 'content-length': '1000' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      // The start of a real gzip stream (the upload is unpacked as it arrives, so zeros would be
      // refused at once as no gzip)…and never the rest.
      req.write(gzipSync(Buffer.alloc(100_000)).subarray(0, 20));
    });
    assert.equal(status.status, 408);
    assert.match(status.body, /PODMAP_ERR_CDN_UPLOAD_TIMEOUT/);
  });
});
