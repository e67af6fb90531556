import assert from 'node:assert/strict';
import { access, chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createShakenService, generateNginxConfig, publishInstalledPackages, publishTarball } from '../../../runtime/cdn/index.ts';
import { collectCleanups } from '../../helpers/cleanups.ts';
import { freePort } from '../../helpers/free-port.js';
import { nginxBinary, startNginx } from '../../helpers/start-nginx.ts';
import { makeTempDir, manifestOf, packFixture, projectRoot, startCdn } from '../helpers.ts';

/**
 * Fetches every path from both servers with each Accept-Encoding and asserts the same status,
 * Location, Cache-Control, Content-Encoding, Content-Type and body bytes. Redirect bodies differ
 * (nginx always sends its own HTML page, which no module can drop and browsers never show), so
 * for a 302 the answers the two Locations lead to are compared instead.
 */
async function assertSameAnswers(podmap: string, nginx: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    for (const acceptEncoding of ['identity', 'gzip', 'br, gzip']) {
      const [a, b] = await Promise.all(
        [podmap, nginx].map((origin) => fetch(origin + path, { redirect: 'manual', headers: { 'accept-encoding': acceptEncoding } })),
      );
      const label = `${path} (${acceptEncoding})`;
      assert.equal(b!.status, a!.status, label);
      assert.equal(b!.headers.get('location'), a!.headers.get('location'), label);
      assert.equal(b!.headers.get('cache-control'), a!.headers.get('cache-control'), label);
      assert.equal(b!.headers.get('content-encoding'), a!.headers.get('content-encoding'), label);
      assert.equal(b!.headers.get('access-control-allow-origin'), '*', label);
      if (a!.status !== 302) assert.equal(b!.headers.get('content-type'), a!.headers.get('content-type'), label);
      const [bodyA, bodyB] = await Promise.all([a!.arrayBuffer(), b!.arrayBuffer()]);
      if (a!.status === 302) {
        const location = a!.headers.get('location')!;
        const [to, tn] = await Promise.all([fetch(podmap + location), fetch(nginx + location)]);
        assert.equal(tn.status, to.status, `${label} → ${location}`);
        assert.deepEqual(Buffer.from(await tn.arrayBuffer()), Buffer.from(await to.arrayBuffer()), `${label} → ${location}`);
      } else {
        assert.deepEqual(Buffer.from(bodyB), Buffer.from(bodyA), label);
      }
    }
  }
}

// One store, one nginx and one podmap server for the file; the tests run in order, and the last
// one publishes into the store while both servers run.
const cleanups = collectCleanups();
let dir = '';
let store = '';
let podmap = '';
let nginx = '';
let config = '';
let configOptions: { storeDir: string; port: number; aliasMaxAge: number };
before(async () => {
  // CI installs nginx (Debian package); a missing binary is a failure to fix, not a reason to skip.
  await access(nginxBinary).catch(() => {
    throw new Error(`nginx not found at ${nginxBinary}: install it (apt-get install -y nginx) or set NGINX to its path`);
  });
  dir = await makeTempDir(cleanups);
  // mkdtemp makes 0700 folders; nginx workers may run as another user and must read the store.
  await chmod(dir, 0o755);
  store = join(dir, 'store');
  await publishInstalledPackages(store, projectRoot, ['lit']);
  await publishInstalledPackages(store, join(projectRoot, 'podlets/geo'), ['lit']);
  const port = await freePort();
  configOptions = { storeDir: store, port, aliasMaxAge: 60 };
  config = generateNginxConfig(configOptions);
  await startNginx(cleanups, join(dir, 'nginx'), config, port);
  podmap = await startCdn(cleanups, { storeDir: store, aliasMaxAge: 60 });
  nginx = `http://127.0.0.1:${port}`;
});
after(async () => {
  await cleanups.run();
});

test('generateNginxConfig() - real nginx and createCdnServer() - same status, Location, Cache-Control and body for exact, alias and missing URLs', async () => {
  const exact = [
    '/npm/lit@3.3.3/index.js',
    '/npm/lit@2.8.0/decorators/property.js',
    '/npm/@lit/reactive-element@2.1.2/css-tag.js',
    '/npm/lit@3.3.3/logo.svg',
    '/npm/lit-html@3.3.3/lit-html.js.map',
    // The browser build: ordinary files of the version under "+/".
    '/npm/lit@3.3.3/+/index.js',
    '/npm/lit@3.3.3/+/decorators/property.js',
    '/npm/@lit/reactive-element@2.1.2/+/index.js',
  ];
  const alias = [
    '/npm/lit@3/index.js',
    '/npm/lit@2/decorators/property.js',
    '/npm/@lit/reactive-element@1/css-tag.js',
    '/npm/lit-html@3/directives/repeat.js',
    '/npm/lit@3/+/index.js',
    '/npm/lit@3/+/decorators/property.js?v=1',
    '/npm/lit@3/a%20b.js',
    '/npm/lit@3/%C3%A9.js',
  ];
  const missing = [
    '/npm/lit@3.3.3/nope.js',
    '/npm/lit@3.3.3/meta.json',
    '/npm/lit@4.0.0/index.js',
    '/npm/lit@9/index.js',
    '/npm/unknown@1.0.0/a.js',
    '/npm/unknown@1/a.js',
    '/podlet/none@1.0.0/a.js',
    '/',
  ];
  await assertSameAnswers(podmap, nginx, [...exact, ...alias, ...missing]);
});

test('generateNginxConfig() - versions lists, metadata, maps and their aliases - answer like createCdnServer(), byte for byte', async () => {
  await assertSameAnswers(podmap, nginx, [
    '/-/npm/lit',
    '/-/npm/@lit/reactive-element',
    '/-/npm/lit@3.3.3',
    '/-/npm/lit@2.8.0',
    '/-/npm/@lit/reactive-element@1.6.3',
    '/-/map/npm/lit@3.3.3',
    '/-/map/npm/lit@2.8.0',
    '/-/map/npm/@lit/reactive-element@2.1.2',
    '/-/npm/lit@3',
    '/-/npm/@lit/reactive-element@1',
    '/-/map/npm/lit@2',
    '/-/map/npm/@lit/reactive-element@2',
    // Unknown packages and versions: the same coded JSON 404s.
    '/-/npm/not-published',
    '/-/npm/lit@1.0.0',
    '/-/npm/not-published@1.0.0',
    '/-/map/npm/lit@1.0.0',
    '/-/map/npm/not-published@1.0.0',
    '/-/npm/lit@9',
    '/-/map/npm/lit@9',
    '/-/podlet/none',
  ]);
});

test('generateNginxConfig() - the store index and staging folder - are never served', async () => {
  const paths = [
    '/-index/format',
    '/-index/versions/npm/lit.json',
    '/-index/aliases/npm/lit@3/files/index.js',
    '/-index/maps/npm/lit@3.3.3.json',
    '/.staging/publish-1/files/index.js',
  ];
  await assertSameAnswers(podmap, nginx, paths);
  for (const path of paths) assert.equal((await fetch(nginx + path)).status, 404, path);
});

test('generateNginxConfig() - a shaken build written after nginx started - its files are served like createCdnServer() serves them, its record is not', async (t) => {
  const shaken = createShakenService(store);
  const withShaken = await startCdn(t, { storeDir: store, aliasMaxAge: 60, shaken });
  const request = { packages: { 'lit@3.3.3': { '.': ['html', 'render'] } } };
  await shaken.answer(request);
  await shaken.idle();
  const lit = (await shaken.answer(request)).builds['lit@3.3.3']!;
  assert.equal(lit.status, 'ready', JSON.stringify(lit));
  if (lit.status !== 'ready') return;
  const files = Object.keys(lit.files).map((file) => `/npm/lit@3.3.3/${file}`);
  assert.ok(files.some((f) => f.endsWith('/index.js')));
  await assertSameAnswers(withShaken, nginx, [
    ...files,
    `/npm/lit@3.3.3/shaken/${lit.id}.json`,
    `/npm/lit@3.3.3/+/~shaken/${lit.id}/nope.js`,
  ]);
  assert.equal((await fetch(nginx + files[0]!)).status, 200);
  assert.equal((await fetch(`${nginx}/npm/lit@3.3.3/shaken/${lit.id}.json`)).status, 404);
});

test('generateNginxConfig() - versions published after nginx started - are served without a new config, like createCdnServer()', async () => {
  // lit-html 3.3.4 moves lit-html's alias and list and changes the maps of lit and lit-element.
  await publishTarball(
    store,
    await packFixture(join(dir, 'lit-html'), {
      'package.json': manifestOf('lit-html', '3.3.4', { exports: { '.': './index.js', './is-server.js': './is-server.js' } }),
      'index.js': 'export const html = () => {};\n',
      'is-server.js': 'export const isServer = false;\n',
    }),
  );
  // A package whose dependency is not in the store: its map is a 409 until the dependency is.
  await publishTarball(
    store,
    await packFixture(join(dir, 'widget'), {
      'package.json': manifestOf('widget', '1.0.0', { exports: { '.': './index.js' }, dependencies: { 'dep-zero': '^0.2.0' } }),
      'index.js': "import 'dep-zero';\n",
    }),
  );
  await assertSameAnswers(podmap, nginx, [
    '/-/map/npm/widget@1.0.0',
    '/-/map/npm/widget@1',
    '/-/npm/dep-zero',
    '/npm/dep-zero@0.2/index.js',
  ]);
  const conflict = await fetch(`${nginx}/-/map/npm/widget@1.0.0`);
  assert.equal(conflict.status, 409);
  assert.equal(((await conflict.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_CDN_DEPENDENCY_MISSING');
  await publishTarball(
    store,
    await packFixture(join(dir, 'dep-zero'), {
      'package.json': manifestOf('dep-zero', '0.2.1', { exports: { '.': './index.js' } }),
      'index.js': 'export default 0;\n',
    }),
  );

  await assertSameAnswers(podmap, nginx, [
    '/npm/lit-html@3/is-server.js',
    '/npm/lit-html@3.3.4/+/index.js',
    '/-/npm/lit-html',
    '/-/npm/lit-html@3',
    '/-/npm/lit-html@3.3.4',
    '/-/map/npm/lit-html@3.3.4',
    '/-/map/npm/lit@3.3.3',
    '/-/map/npm/lit@3',
    '/-/map/npm/lit-element@4.2.2',
    '/-/map/npm/widget@1.0.0',
    '/npm/dep-zero@0.2/index.js',
    '/-/npm/dep-zero',
    '/-/npm/dep-zero@0.2',
    '/-/map/npm/dep-zero@0.2',
  ]);
  // What both answer is the new state of the store, not a stale index.
  assert.equal(
    (await fetch(`${nginx}/npm/lit-html@3/index.js`, { redirect: 'manual' })).headers.get('location'),
    '/npm/lit-html@3.3.4/index.js',
  );
  const versions = (await (await fetch(`${nginx}/-/npm/lit-html`)).json()) as { versions: string[]; majors: Record<string, string> };
  assert.deepEqual(versions.majors, { 2: '2.8.0', 3: '3.3.4' });
  const litMap = (await (await fetch(`${nginx}/-/map/npm/lit@3.3.3`)).json()) as { imports: Record<string, string> };
  assert.equal(litMap.imports['lit-html'], '/npm/lit-html@3.3.4/+/index.js');
  assert.equal(litMap.imports['lit'], '/npm/lit@3.3.3/+/index.js');
  const widgetMap = (await (await fetch(`${nginx}/-/map/npm/widget@1.0.0`)).json()) as { imports: Record<string, string> };
  assert.equal(widgetMap.imports['dep-zero'], '/npm/dep-zero@0.2.1/+/index.js');
  // The config does not depend on what the store holds.
  assert.equal(generateNginxConfig(configOptions), config);
  assert.equal(await readFile(join(dir, 'nginx', 'nginx.conf'), 'utf8'), config);
});
