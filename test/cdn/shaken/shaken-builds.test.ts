import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createShakenService, publishTarball, type ShakenAnswer, type ShakenRequest } from '../../../runtime/cdn/index.ts';
import { makeTempDir, manifestOf, packFixture, settleShaken, startCdn } from '../helpers.ts';

/**
 * `shk`: a main entry re-exporting a used and an unused function and some state, and a deep entry
 * that imports the state back by the package's own name; `user`: a package that imports one name
 * of `shk`.
 */
async function publishFixtures(t: TestContext): Promise<string> {
  const dir = await makeTempDir(t, 'podmap-shaken-');
  const store = join(dir, 'store');
  const shk = await packFixture(join(dir, 'shk'), {
    'package.json': manifestOf('shk', '1.0.0', { exports: { '.': './index.js', './extra': './extra.js' } }),
    'index.js': "export * from './used.js';\nexport * from './unused.js';\nexport { state } from './state.js';\n",
    'used.js': "export function used() { return 'USED_MARK'; }\n",
    'unused.js': "export function unused() { return 'UNUSED_MARK'; }\n",
    'state.js': "export const state = { count: 'STATE_MARK' };\n",
    'extra.js': "import { state } from 'shk';\nexport function bump() { state.count += 'EXTRA_MARK'; }\n",
  });
  const user = await packFixture(join(dir, 'user'), {
    'package.json': manifestOf('user', '1.0.0', { dependencies: { shk: '^1.0.0' } }),
    'index.js': "import { used } from 'shk';\nexport const go = () => used() + 'GO_MARK';\nexport const stay = () => 'STAY_MARK';\n",
  });
  await publishTarball(store, shk);
  await publishTarball(store, user);
  return store;
}

const request: ShakenRequest = { packages: { 'user@1.0.0': { '.': ['go'] }, 'shk@1.0.0': { './extra': ['bump'] } } };

test('createShakenService() - a package and the one it imports - both shaken to what is used, the deep entry sharing the main entry’s state', async (t) => {
  const store = await publishFixtures(t);
  const service = createShakenService(store);
  const first = await service.answer(request);
  assert.deepEqual(first.builds['shk@1.0.0'], { status: 'pending' }, 'shk waits for user’s build');
  const { answer, rounds } = await settleShaken(service, request, 5);
  assert.equal(rounds, 3, 'user, then shk, then nothing left');
  const shk = answer.builds['shk@1.0.0']!;
  const user = answer.builds['user@1.0.0']!;
  assert.ok(shk.status === 'ready' && user.status === 'ready', JSON.stringify(answer));
  assert.deepEqual(Object.keys(shk.replaces).sort(), ['+/extra.js', '+/index.js'], 'the entry user imports counts too');
  const text = async (name: string, files: Record<string, unknown>) =>
    (await Promise.all(Object.keys(files).map((f) => readFile(join(store, 'npm', name, 'files', f), 'utf8')))).join('\n');
  const shkText = await text('shk@1.0.0', shk.files);
  assert.match(shkText, /USED_MARK/);
  assert.match(shkText, /EXTRA_MARK/);
  assert.doesNotMatch(shkText, /UNUSED_MARK/);
  assert.equal(shkText.split('STATE_MARK').length - 1, 1, 'the state is in one module, shared by both entries');
  const userText = await text('user@1.0.0', user.files);
  assert.match(userText, /GO_MARK/);
  assert.doesNotMatch(userText, /STAY_MARK/);
});

test('POST /-/shaken and GET of a shaken file - answered at once, then served immutable and compressed like any file; the record is not served', async (t) => {
  const store = await publishFixtures(t);
  const shaken = createShakenService(store);
  const cdn = await startCdn(t, { storeDir: store, shaken });
  const post = (body: string) => fetch(`${cdn}/-/shaken`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  let answer: ShakenAnswer = { builds: {} };
  for (let round = 0; round < 5 && answer.builds['shk@1.0.0']?.status !== 'ready'; round++) {
    const response = await post(JSON.stringify(request));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    answer = (await response.json()) as ShakenAnswer;
    await shaken.idle();
  }
  const shk = answer.builds['shk@1.0.0']!;
  assert.equal(shk.status, 'ready');
  if (shk.status !== 'ready') return;
  const file = shk.replaces['+/index.js']!;
  assert.match(file, /^\+\/~shaken\/[0-9a-f]{32}\/index\.js$/);
  const got = await fetch(`${cdn}/npm/shk@1.0.0/${file}`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(
    `sha384-${(await import('node:crypto'))
      .createHash('sha384')
      .update(Buffer.from(await got.arrayBuffer()))
      .digest('base64')}`,
    shk.files[file]!.integrity,
  );
  assert.equal((await fetch(`${cdn}/npm/shk@1.0.0/shaken/${shk.id}.json`)).status, 404);
  assert.equal((await fetch(`${cdn}/npm/shk@1.0.0/+/~shaken/${'0'.repeat(32)}/index.js`)).status, 404);
});

test('POST /-/shaken - a malformed or oversized body, another method - 400 PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID, 405 (security)', async (t) => {
  const store = await publishFixtures(t);
  const cdn = await startCdn(t, { storeDir: store });
  const post = (body: string) => fetch(`${cdn}/-/shaken`, { method: 'POST', body });
  for (const body of [
    'not json',
    '{}',
    '{"packages":{"shk":{}}}',
    '{"packages":{"shk@1":{}}}',
    '{"packages":{"../x@1.0.0":{}}}',
    '{"packages":{"shk@1.0.0":{"../x":["a"]}}}',
    '{"packages":{"shk@1.0.0":{".":"a"}}}',
    `{"packages":{"shk@1.0.0":{".":[${'"a",'.repeat(10_000)}"a"]}}}`,
    JSON.stringify({ packages: { 'shk@1.0.0': { '.': ['x'.repeat(2_000_000)] } } }),
  ]) {
    const response = await post(body);
    assert.equal(response.status, 400, body.slice(0, 80));
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID');
  }
  assert.equal((await fetch(`${cdn}/-/shaken`)).status, 405);
  const off = await startCdn(t, { storeDir: store, shaken: false });
  assert.equal((await fetch(`${off}/-/shaken`, { method: 'POST', body: JSON.stringify(request) })).status, 404);
});

test('createShakenService() - past the variants a version keeps, and past the time-out - failed with a code, the full build stays', async (t) => {
  const store = await publishFixtures(t);
  const limited = createShakenService(store, { variants: 1 });
  const one = { packages: { 'shk@1.0.0': { '.': ['used'] } } };
  const two = { packages: { 'shk@1.0.0': { '.': ['state'] } } };
  assert.equal((await settleShaken(limited, one, 5)).answer.builds['shk@1.0.0']!.status, 'ready');
  const refused = (await settleShaken(limited, two, 5)).answer.builds['shk@1.0.0']!;
  assert.equal(refused.status === 'failed' && refused.code, 'PODMAP_ERR_CDN_SHAKEN_LIMIT');
  assert.equal((await settleShaken(limited, one, 5)).answer.builds['shk@1.0.0']!.status, 'ready', 'the stored one is still served');
  const hurried = createShakenService(store, { timeoutMs: 0 });
  const late = (await settleShaken(hurried, { packages: { 'user@1.0.0': { '.': ['go'] } } }, 5)).answer.builds['user@1.0.0']!;
  assert.equal(late.status === 'failed' && late.code, 'PODMAP_ERR_CDN_SHAKEN_TIMEOUT');
});

test("createShakenService() - a build whose input stops esbuild's service, and one past the time-out - fail with their codes, that build only; the service builds the next", async (t) => {
  const store = await publishFixtures(t);
  const dir = await makeTempDir(t, 'podmap-shaken-');
  for (const name of ['crash', 'slow']) {
    await publishTarball(
      store,
      await packFixture(join(dir, name), { 'package.json': manifestOf(name, '1.0.0'), 'index.js': 'export const a = 1;\n' }),
    );
  }
  // The shaken build reads the files as published, in place in a folder store: rewritten after the
  // full build, they reach esbuild only in the shaken build.
  await writeFile(join(store, 'npm/crash@1.0.0/files/index.js'), `export const a = ${'!'.repeat(262_144)}1;\n`);
  await writeFile(join(store, 'npm/slow@1.0.0/files/index.js'), `export function a(x, b) { ${'if (x) '.repeat(12_000)}b(); }\n`);
  // A crash takes esbuild a few seconds (its stack dump included): the default time-out for it.
  const crashing = createShakenService(store);
  const crashed = await settleShaken(crashing, { packages: { 'crash@1.0.0': { '.': ['a'] }, 'shk@1.0.0': { '.': ['used'] } } }, 5);
  const crash = crashed.answer.builds['crash@1.0.0']!;
  assert.ok(crash.status === 'failed' && crash.code === 'PODMAP_ERR_CDN_SHAKEN_FAILED', JSON.stringify(crash));
  assert.match(crash.reason, /^crash@1\.0\.0: esbuild's service in process \d+ stopped during the job$/);
  assert.equal(crashed.answer.builds['shk@1.0.0']!.status, 'ready', 'built after the crash');
  const hurried = createShakenService(store, { timeoutMs: 1_000 });
  const started = performance.now();
  const timed = await settleShaken(hurried, { packages: { 'slow@1.0.0': { '.': ['a'] }, 'user@1.0.0': { '.': ['go'] } } }, 5);
  const slow = timed.answer.builds['slow@1.0.0']!;
  assert.ok(slow.status === 'failed' && slow.code === 'PODMAP_ERR_CDN_SHAKEN_TIMEOUT', JSON.stringify(slow));
  // 12,000 nested `if` take esbuild about 24 s: the build was stopped, not waited for.
  assert.ok(performance.now() - started < 1_000 + 10_000, `settled after ${Math.round(performance.now() - started)} ms`);
  assert.equal(timed.answer.builds['user@1.0.0']!.status, 'ready', 'built after the time-out');
});
