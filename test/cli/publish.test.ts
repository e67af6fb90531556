// `podmap publish` to a real CDN (createCdnServer with a tokens file) and to CDNs it cannot use.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir, snapshotStore, startCdn } from '../cdn/helpers.ts';
import { goodPodlet, printedCode, runCli, startCdnWithTeams, writeFiles } from './cli-helpers.ts';

/** A temp folder holding the good podlet `cart` at `version`. */
async function cartFolder(t: Parameters<typeof makeTempDir>[0], version = '1.0.0'): Promise<string> {
  const cwd = await makeTempDir(t);
  await writeFiles(cwd, goodPodlet({ name: 'cart', version }));
  return cwd;
}

describe('podmap publish - where to publish', () => {
  const missing: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['no --cdn and no PODMAP_CDN_URL', [], { PODMAP_CDN_TOKEN: 't' }, /\(no --cdn URL\)$/],
    ['a URL but no PODMAP_CDN_TOKEN', ['--cdn', 'http://127.0.0.1:1/'], {}, /PODMAP_CDN_TOKEN is not set\)$/],
    ['PODMAP_CDN_URL but an empty PODMAP_CDN_TOKEN', [], { PODMAP_CDN_URL: 'http://127.0.0.1:1/', PODMAP_CDN_TOKEN: '' }, /is not set/],
    ['--cdn not-a-url', ['--cdn', 'not-a-url'], { PODMAP_CDN_TOKEN: 't' }, /--cdn "not-a-url" is not a URL\)$/],
  ];
  for (const [situation, args, env, message] of missing) {
    test(`podmap publish - ${situation} - PODMAP_ERR_PUBLISH_NO_CDN saying what is missing, exit 1`, async (t) => {
      const run = await runCli(['publish', ...args], await cartFolder(t), env);
      assert.equal(run.code, 1, run.all);
      assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_NO_CDN');
      assert.match(run.err[0]!, message);
      assert.deepEqual(run.out, [], 'nothing was packed or sent');
    });
  }

  test('podmap publish - a CDN port nobody listens on - PODMAP_ERR_PUBLISH_UNREACHABLE naming it, exit 1', async (t) => {
    const port = await freePort();
    const run = await runCli(['publish', '--cdn', `http://127.0.0.1:${port}`], await cartFolder(t), { PODMAP_CDN_TOKEN: 't' });
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_UNREACHABLE');
    assert.match(run.err[0]!, new RegExp(`http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assert.ok(run.out.includes(`uploading to http://127.0.0.1:${port}/ …`), 'the upload was tried');
  });
});

describe('podmap publish - a CDN with team tokens', () => {
  test('podmap publish - the team token - 201: prints the release URL, whose files the CDN serves back, exit 0', async (t) => {
    const { cdn, tokens } = await startCdnWithTeams(t, { shop: ['podlet/cart'] });
    const cwd = await cartFolder(t, '1.2.0');
    const run = await runCli(['publish'], cwd, { PODMAP_CDN_URL: cdn, PODMAP_CDN_TOKEN: tokens.shop! });
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(run.err, []);
    const release = `${cdn}podlet/cart@1.2.0/`;
    assert.equal(run.out.at(-1), `published cart@1.2.0: ${release}`);
    for (const [file, text] of Object.entries(goodPodlet()).filter(([name]) => name.startsWith('public/'))) {
      const response = await fetch(`${release}${file.slice('public/'.length)}`);
      assert.equal(response.status, 200, file);
      assert.equal(await response.text(), text, file);
    }
  });

  test('podmap publish - a stylesheet the CDN cannot minify - published as it is, the CDN’s warning printed to stderr with its code, exit 0', async (t) => {
    const { cdn, tokens } = await startCdnWithTeams(t, { shop: ['podlet/cart'] });
    const cwd = await cartFolder(t, '1.3.0');
    // An unclosed block: esbuild's CSS parser would repair it, so the CDN keeps the file as published.
    await writeFiles(cwd, { 'public/cart.css': '.cart{color:red\u0007' });
    t.mock.method(console, 'warn', () => {});
    const run = await runCli(['publish'], cwd, { PODMAP_CDN_URL: cdn, PODMAP_CDN_TOKEN: tokens.shop! });
    assert.equal(run.code, 0, run.all);
    assert.equal(run.out.at(-1), `published cart@1.3.0: ${cdn}podlet/cart@1.3.0/`);
    assert.equal(run.err.length, 1, run.all);
    assert.match(run.err[0]!, /^podmap: warning: PODMAP_ERR_CDN_MINIFY_SKIPPED: .*cart\.css/);
    assert.equal(await (await fetch(`${cdn}podlet/cart@1.3.0/cart.css`)).text(), '.cart{color:red\u0007', 'stored as published');
  });

  test('podmap publish - a CDN answering 201 with 25 warnings full of control characters - 20 printed, then a count, none of the characters (security)', async (t) => {
    const hostile = Array.from({ length: 25 }, (_, i) => ({
      code: `X\u001b[31m${i}`,
      message: `${'\u0007'.repeat(3)}line\nbreak${'m'.repeat(900)}`,
    }));
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ warnings: hostile })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const cdn = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const run = await runCli(['publish'], await cartFolder(t), { PODMAP_CDN_URL: cdn, PODMAP_CDN_TOKEN: 't' });
    assert.equal(run.code, 0, run.all);
    assert.equal(run.err.length, 21, run.all);
    assert.equal(run.err.at(-1), 'podmap: warning: 5 more');
    for (const line of run.err.slice(0, 20)) {
      assert.match(line, /^podmap: warning: X\?\[31m\d+: \?\?\?line\?breakm+$/);
      assert.ok(line.length < 'podmap: warning: '.length + 2 * 500 + 2, `bounded: ${line.length}`);
    }
  });

  test('podmap publish - --cdn without a trailing slash, over PODMAP_CDN_URL - publishes to --cdn', async (t) => {
    const { cdn, tokens } = await startCdnWithTeams(t, { shop: ['podlet/*'] });
    const env = { PODMAP_CDN_URL: `http://127.0.0.1:${await freePort()}/`, PODMAP_CDN_TOKEN: tokens.shop! };
    const run = await runCli(['publish', '--cdn', cdn.replace(/\/$/, '')], await cartFolder(t), env);
    assert.equal(run.code, 0, run.all);
    assert.equal((await fetch(`${cdn}podlet/cart@1.0.0/cart.js`)).status, 200);
  });

  test('podmap publish - the same version twice - PODMAP_ERR_CDN_VERSION_EXISTS, exit 1, the release unchanged', async (t) => {
    const { cdn, storeDir, tokens } = await startCdnWithTeams(t, { shop: ['podlet/cart'] });
    const env = { PODMAP_CDN_URL: cdn, PODMAP_CDN_TOKEN: tokens.shop! };
    const cwd = await cartFolder(t);
    assert.equal((await runCli(['publish'], cwd, env)).code, 0);
    const before = await snapshotStore(storeDir);
    await writeFiles(cwd, { 'public/cart.js': 'export const items = ["changed"];\n' });
    const again = await runCli(['publish'], cwd, env);
    assert.equal(again.code, 1, again.all);
    assert.equal(printedCode(again), 'PODMAP_ERR_CDN_VERSION_EXISTS');
    assert.match(again.err[0]!, /cart@1\.0\.0/);
    assert.deepEqual(await snapshotStore(storeDir), before);
    assert.equal(await (await fetch(`${cdn}podlet/cart@1.0.0/cart.js`)).text(), 'export const items = [];\n');
  });

  test('podmap publish - a token the CDN does not know - PODMAP_ERR_CDN_UNAUTHORIZED, exit 1, nothing stored', async (t) => {
    const { cdn } = await startCdnWithTeams(t, { shop: ['podlet/cart'] });
    const run = await runCli(['publish', '--cdn', cdn], await cartFolder(t), { PODMAP_CDN_TOKEN: 'not-a-known-token' });
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_CDN_UNAUTHORIZED');
    assert.equal((await fetch(`${cdn}podlet/cart@1.0.0/cart.js`)).status, 404);
  });

  test("podmap publish - another team's token - PODMAP_ERR_CDN_FORBIDDEN naming that team and scope, exit 1, nothing stored", async (t) => {
    const { cdn, tokens } = await startCdnWithTeams(t, { shop: ['podlet/cart'], search: ['podlet/search', 'npm/*'] });
    const run = await runCli(['publish', '--cdn', cdn], await cartFolder(t), { PODMAP_CDN_TOKEN: tokens.search! });
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_CDN_FORBIDDEN');
    assert.match(run.err[0]!, /search/);
    assert.match(run.err[0]!, /podlet\/search/);
    assert.equal((await fetch(`${cdn}podlet/cart@1.0.0/cart.js`)).status, 404);
  });

  test('podmap publish - a tokens file made with podmap cdn token - the printed token publishes, exit 0', async (t) => {
    const made = await runCli(['cdn', 'token', 'shop', 'podlet/cart'], await makeTempDir(t));
    const token = made.out[made.out.findIndex((line) => line.startsWith('token for')) + 1]!;
    const entry = JSON.parse(made.out.find((line) => line.startsWith('{'))!) as object;
    const dir = await makeTempDir(t);
    await writeFiles(dir, { 'tokens.json': JSON.stringify({ tokens: [entry] }) });
    const cdn = await startCdn(t, { storeDir: `${dir}/store`, tokensFile: `${dir}/tokens.json`, publishToken: '' });
    const run = await runCli(['publish', '--cdn', cdn], await cartFolder(t), { PODMAP_CDN_TOKEN: token });
    assert.equal(run.code, 0, run.all);
    assert.equal((await fetch(`${cdn}/podlet/cart@1.0.0/cart.js`)).status, 200);
  });
});
