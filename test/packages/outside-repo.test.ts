// podmap as a team outside this repository gets it (issue 18): the packed packages installed from
// their tarballs into folders under the system's temporary folder, with no tsx and no workspace
// links; a podlet made by `podmap init`, built by tsc, published over HTTP with its team's token;
// a layout written as a plain .js file; the page in Chromium. Every command here is one the
// README's "Using podmap in your own repositories" shows.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { collectCleanups } from '../helpers/cleanups.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { runCommand, startCommand, type CommandResult } from '../helpers/run-command.ts';
import { walkFiles } from '../../runtime/shared/files/walk-files.ts';
import { openPage, rendered } from '../e2e/open-page.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const cleanups = collectCleanups();
let work: string;
let tarballs: Record<'runtime' | 'browser' | 'cdn', string>;
let browser: Browser | undefined;

// npm, run from `npm test`, passes its own settings down in npm_* variables; a team's shell has none.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))) as Record<string, string>;
const run = (cwd: string, command: string, args: string[], extra: Record<string, string> = {}) =>
  runCommand(command, args, { cwd, env: { ...env, ...extra } });
const npmInstall = (cwd: string, specs: string[]) =>
  run(cwd, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs]).then(succeeded);
const podmap = (cwd: string, args: string[], extra: Record<string, string> = {}) => run(cwd, 'npx', ['podmap', ...args], extra);

function succeeded(result: CommandResult): CommandResult {
  assert.equal(result.code, 0, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Bytes of every file below `dir`, symlinks not followed. */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Every file of the store with its size: what "the store is unchanged" compares. */
async function storeSnapshot(storeDir: string): Promise<string[]> {
  const files = await walkFiles(storeDir);
  return Promise.all(files.map(async (file) => `${file} ${(await stat(path.join(storeDir, file))).size}`));
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'podmap-outside-'));
  // npm pack runs each package's prepack (tsc), so the tarballs hold what the sources compile to now.
  const packed = await run(repo, 'npm', [
    'pack',
    '--json',
    '--pack-destination',
    work,
    '-w',
    'runtime',
    '-w',
    'runtime/browser',
    '-w',
    'runtime/cdn',
  ]);
  const list = JSON.parse(succeeded(packed).stdout) as Array<{ name: string; filename: string; size: number; files: unknown[] }>;
  const file = (name: string) => path.join(work, path.basename(list.find((p) => p.name === name)!.filename));
  tarballs = { runtime: file('@podmap/runtime'), browser: file('@podmap/browser'), cdn: file('@podmap/cdn') };
  browser = await launchChromium();
});

after(async () => {
  await cleanups.run();
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const state: { cdn?: string; platformToken?: string; shopToken?: string; storeDir?: string } = {};

test('outside the repository - podmap init podlet, then npm install of the packed tarballs, builds with tsc and passes publish --dry-run; the install holds no esbuild and no tar', async (t) => {
  // Before a podlet exists, npx fetches the command (here from the tarballs instead of the registry).
  const init = succeeded(
    await run(work, 'npx', ['--yes', '-p', tarballs.runtime, '-p', tarballs.browser, 'podmap', 'init', 'podlet', 'shop']),
  );
  assert.match(init.stdout, /created shop[/\\]assets[/\\]shop\.ts/);
  const shop = path.join(work, 'shop');
  await npmInstall(shop, [tarballs.runtime, tarballs.browser]);
  const installed = await readdir(path.join(shop, 'node_modules'));
  for (const cdnOnly of ['esbuild', '@esbuild', 'tar', 'cjs-module-lexer', 'minimatch']) {
    assert.ok(!installed.includes(cdnOnly), `a podlet's install has no ${cdnOnly}`);
  }
  assert.deepEqual(await readdir(path.join(shop, 'node_modules/@podmap')), ['browser', 'runtime'], 'and no @podmap/cdn');
  t.diagnostic(
    `podlet team's node_modules: ${((await sizeOf(path.join(shop, 'node_modules'))) / 1024 / 1024).toFixed(1)} MiB (lit and typescript included)`,
  );
  succeeded(await run(shop, 'npm', ['run', 'build']));
  assert.ok((await readFile(path.join(shop, 'public/shop.js'), 'utf8')).includes("from 'lit'"), 'tsc kept lit a bare specifier');
  const dry = succeeded(await podmap(shop, ['publish', '--dry-run']));
  assert.match(dry.stdout, /shop@1\.0\.0/);
  assert.match(dry.stdout, /nothing was uploaded/);
  const again = await podmap(shop, ['init', 'podlet', 'shop', '--dir', '.']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /PODMAP_ERR_INIT_EXISTS/);
});

test('outside the repository - podmap dev previews the podlet from its TypeScript with its own node_modules and no sibling podlets', async (t) => {
  const shop = path.join(work, 'shop');
  const dev = await startCommand(t, 'npx', ['podmap', 'dev', '--port', '0'], { cwd: shop, env, ready: /on (http:\/\/\S+?\/)\s/ });
  const base = dev.match[1]!;
  const page = await openPage(browser!, base);
  const text = await rendered(page.page, ['podlet-shop']);
  assert.match(text['podlet-shop']!, /Hello from the shop podlet/);
  assert.deepEqual([...page.consoleErrors, ...page.failed], []);
  await page.page.browserContext().close();
});

test('outside the repository - a platform team installs @podmap/cdn, makes two scoped tokens and serves a store; lit goes up with the platform token', async (t) => {
  const platform = path.join(work, 'platform');
  await mkdir(platform);
  await writeFile(path.join(platform, 'package.json'), '{ "name": "platform", "private": true, "type": "module" }\n');
  await npmInstall(platform, [tarballs.cdn, tarballs.runtime, tarballs.browser, 'lit@3']);
  t.diagnostic(
    `platform team's node_modules: ${((await sizeOf(path.join(platform, 'node_modules'))) / 1024 / 1024).toFixed(1)} MiB (lit included)`,
  );
  const token = async (team: string, scope: string) => {
    const out = succeeded(await podmap(platform, ['cdn', 'token', team, scope])).stdout.split('\n');
    return { token: out[1]!.trim(), entry: JSON.parse(out.at(-1) || out.at(-2)!) as { sha256: string } };
  };
  const platformToken = await token('platform', 'npm/*');
  const shopToken = await token('shop', 'podlet/shop');
  const tokensFile = JSON.stringify({ tokens: [platformToken.entry, shopToken.entry] }, null, 2);
  assert.ok(!tokensFile.includes(platformToken.token) && !tokensFile.includes(shopToken.token), 'the token file keeps hashes only');
  await writeFile(path.join(platform, 'tokens.json'), tokensFile);
  state.storeDir = path.join(platform, 'store');
  const cdn = await startCommand(cleanups, 'npx', ['podmap', 'cdn', 'serve'], {
    cwd: platform,
    env: { ...env, PODMAP_CDN_PORT: '0', PODMAP_STORE_DIR: state.storeDir, PODMAP_CDN_TOKENS_FILE: path.join(platform, 'tokens.json') },
    ready: /listening on (http:\/\/\S+)/,
  });
  state.cdn = cdn.match[1]!.replace('localhost', '127.0.0.1');
  Object.assign(state, { platformToken: platformToken.token, shopToken: shopToken.token });
  const published = succeeded(
    await podmap(platform, ['publish-package', '--cdn', state.cdn, '--with-dependencies', 'node_modules/lit'], {
      PODMAP_CDN_TOKEN: platformToken.token,
    }),
  );
  assert.match(published.stdout, /published lit-html@3\.\d+\.\d+: http/, 'the dependencies went up with lit');
  assert.match(published.stdout, /published lit@3\.\d+\.\d+: http/);
});

test('outside the repository - the podlet team publishes its release over HTTP, and a layout written as plain .js renders it in Chromium with no error', async (t) => {
  const shop = path.join(work, 'shop');
  const out = succeeded(await podmap(shop, ['publish', '--cdn', state.cdn!], { PODMAP_CDN_TOKEN: state.shopToken! }));
  assert.match(out.stdout, new RegExp(`published shop@1\\.0\\.0: ${state.cdn}podlet/shop@1\\.0\\.0/`));
  const podlet = await startCommand(cleanups, 'node', ['server.js'], {
    cwd: shop,
    env: { ...env, PORT: '0', PODMAP_CDN_URL: state.cdn! },
    ready: /on (http:\/\/\S+manifest\.json)/,
  });
  const platform = path.join(work, 'platform');
  await cp(path.join(repo, 'test/packages/fixtures/layout.js'), path.join(platform, 'layout.js'));
  const layout = await startCommand(cleanups, 'node', ['layout.js'], {
    cwd: platform,
    env: { ...env, PORT: '0', PODMAP_CDN_URL: state.cdn!, SHOP_MANIFEST: podlet.match[1]! },
    ready: /layout on (http:\/\/\S+)/,
  });
  const page = await openPage(browser!, layout.match[1]!);
  const text = await rendered(page.page, ['podlet-shop']).catch(async (error: Error) => {
    const html = await page.page.content();
    throw new Error(
      `${error.message}\n${JSON.stringify({ errors: page.consoleErrors, failed: page.failed, requests: page.requests })}\n${html}\n${layout.output()}`,
    );
  });
  assert.match(text['podlet-shop']!, /Hello from the shop podlet/);
  assert.deepEqual([...page.consoleErrors, ...page.failed], []);
  const urls = page.requests.map((r) => r.url);
  assert.ok(urls.includes(`${state.cdn}podlet/shop@1.0.0/shop.js`), `the podlet's module came from its CDN release:\n${urls.join('\n')}`);
  assert.ok(
    urls.some((u) => u.startsWith(`${state.cdn}npm/lit@3.`)),
    'lit came from the CDN',
  );
  await page.page.browserContext().close();
  t.diagnostic(`page: ${layout.match[1]}`);
});

test("outside the repository - the podlet team's token cannot publish lit, another podlet, or a version that exists; the store is unchanged", async () => {
  const shop = path.join(work, 'shop');
  const before = await storeSnapshot(state.storeDir!);
  const withShopToken = { PODMAP_CDN_TOKEN: state.shopToken! };
  const lit = await podmap(path.join(work, 'platform'), ['publish-package', '--cdn', state.cdn!, 'node_modules/lit'], withShopToken);
  assert.equal(lit.code, 1);
  assert.match(lit.stderr, /PODMAP_ERR_CDN_FORBIDDEN/);
  assert.match(lit.stderr, /podlet\/shop/, 'the refusal names the token scope');
  const other = path.join(work, 'other');
  await cp(shop, other, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const pkg = JSON.parse(await readFile(path.join(other, 'package.json'), 'utf8'));
  await writeFile(path.join(other, 'package.json'), JSON.stringify({ ...pkg, name: 'other' }));
  const another = await podmap(shop, ['publish', '--cdn', state.cdn!, '../other'], withShopToken);
  assert.equal(another.code, 1);
  assert.match(another.stderr, /PODMAP_ERR_CDN_FORBIDDEN/);
  const twice = await podmap(shop, ['publish', '--cdn', state.cdn!], withShopToken);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /PODMAP_ERR_CDN_VERSION_EXISTS/);
  assert.deepEqual(await storeSnapshot(state.storeDir!), before);
});
