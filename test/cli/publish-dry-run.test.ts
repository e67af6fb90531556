// `podmap publish --dry-run` on hand-made podlet folders: what it refuses, with which code and naming what.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeTempDir } from '../cdn/helpers.ts';
import { goodPodlet, printedCode, runCli, writeFiles, type CliRun } from './cli-helpers.ts';

/** `podmap publish --dry-run` in a temp folder holding `files`, with no CDN configured. */
async function dryRun(t: Parameters<typeof makeTempDir>[0], files: Record<string, string>): Promise<CliRun> {
  const cwd = await makeTempDir(t);
  await writeFiles(cwd, files);
  return runCli(['publish', '--dry-run'], cwd);
}

/** Asserts a refusal: exit 1, `code` on the failure line matching `message`, no "checks passed". */
function assertRefused(run: CliRun, code: string, message: RegExp): void {
  assert.equal(run.code, 1, run.all);
  assert.equal(printedCode(run), code, run.all);
  assert.match(run.err.join('\n'), message);
  assert.doesNotMatch(run.all, /checks passed/);
}

// The good podlet's files without its package.json.
const podletFiles = Object.fromEntries(Object.entries(goodPodlet()).filter(([file]) => file !== 'package.json'));

describe('podmap publish --dry-run - package.json', () => {
  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['no package.json', podletFiles, /package\.json: ENOENT/],
    ['package.json that is not JSON', { ...podletFiles, 'package.json': '{ name: cart }' }, /package\.json: .*JSON/],
    ['package.json that is JSON null', { ...podletFiles, 'package.json': 'null' }, /package\.json is not a JSON object/],
    ['package.json that is a JSON array', { ...podletFiles, 'package.json': '[]' }, /package\.json is not a JSON object/],
    ['no name', goodPodlet({ version: '1.0.0' }), /"name" \(or "podmap\.name"\) is undefined/],
    ['an upper-case name', goodPodlet({ name: 'Cart', version: '1.0.0' }), /is "Cart"/],
    ['a bad podmap.name', goodPodlet({ name: 'cart', version: '1.0.0', podmap: { name: '../cart' } }), /is "\.\.\/cart"/],
    ['no version', goodPodlet({ name: 'cart' }), /exact semver version, not undefined/],
    ['version "1.0"', goodPodlet({ name: 'cart', version: '1.0' }), /not "1\.0"/],
    ['version "^1.0.0"', goodPodlet({ name: 'cart', version: '^1.0.0' }), /not "\^1\.0\.0"/],
    ['version "v1.0.0"', goodPodlet({ name: 'cart', version: 'v1.0.0' }), /not "v1\.0\.0"/],
    ['version 1 as a number', goodPodlet({ name: 'cart', version: 1 }), /not 1\)$/],
  ];
  for (const [situation, files, message] of refusals) {
    test(`podmap publish --dry-run - ${situation} - PODMAP_ERR_PUBLISH_PACKAGE_JSON saying why, exit 1`, async (t) => {
      assertRefused(await dryRun(t, files), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON', message);
    });
  }

  test('podmap publish --dry-run - a scoped name (@shop/cart) - its unscoped part is the release id, exit 0', async (t) => {
    const run = await dryRun(t, goodPodlet({ name: '@shop/cart', version: '2.1.0-beta.1' }));
    assert.equal(run.code, 0, run.all);
    assert.match(run.out[0]!, /^podmap publish: cart@2\.1\.0-beta\.1, 2 files /);
  });

  test("podmap publish --dry-run - podmap.name set - it overrides package.json's name in the release id", async (t) => {
    const run = await dryRun(t, goodPodlet({ name: '@shop/cart-podlet', version: '1.0.0', podmap: { name: 'basket' } }));
    assert.equal(run.code, 0, run.all);
    assert.match(run.out[0]!, /^podmap publish: basket@1\.0\.0, /);
  });
});

describe('podmap publish --dry-run - public/', () => {
  const pkg = JSON.stringify({ name: 'cart', version: '1.0.0' });

  test('podmap publish --dry-run - no public/ folder - PODMAP_ERR_PUBLISH_NO_PUBLIC naming the folder, exit 1', async (t) => {
    const run = await dryRun(t, { 'package.json': pkg, 'assets/cart.ts': 'export {};\n' });
    assertRefused(run, 'PODMAP_ERR_PUBLISH_NO_PUBLIC', /public\)$/);
  });

  test('podmap publish --dry-run - public/ with only .d.ts and .css - PODMAP_ERR_PUBLISH_NO_PUBLIC, exit 1', async (t) => {
    const run = await dryRun(t, { 'package.json': pkg, 'public/cart.d.ts': 'export {};\n', 'public/cart.css': 'p{}' });
    assertRefused(run, 'PODMAP_ERR_PUBLISH_NO_PUBLIC', /run its build/);
  });

  test('podmap publish --dry-run - public/extra.js with no assets/extra.ts - PODMAP_ERR_PUBLISH_BUNDLED naming both, exit 1', async (t) => {
    const run = await dryRun(t, { ...goodPodlet(), 'public/extra.js': 'export const extra = 1;\n' });
    assertRefused(run, 'PODMAP_ERR_PUBLISH_BUNDLED', /public\/extra\.js has no source assets\/extra\.ts/);
  });

  test('podmap publish --dry-run - public/lib/util.js whose source is assets/util.ts (another folder) - refused, exit 1', async (t) => {
    const run = await dryRun(t, { ...goodPodlet(), 'assets/util.ts': 'export {};\n', 'public/lib/util.js': 'export {};\n' });
    assertRefused(run, 'PODMAP_ERR_PUBLISH_BUNDLED', /public\/lib\/util\.js has no source assets\/lib\/util\.ts/);
  });

  test('podmap publish --dry-run - no assets/ folder at all - modules need no source, exit 0', async (t) => {
    const run = await dryRun(t, { 'package.json': pkg, 'public/cart.js': 'export {};\n', 'public/extra.js': 'export {};\n' });
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(run.out.slice(1, 3), ['  cart.js', '  extra.js']);
  });

  const bundlerRuntimes: Array<[string, string]> = [
    ['__webpack_require__', 'var __webpack_require__ = {};\nexport {};\n'],
    ['__commonJS(', 'var require_x = __commonJS({ "x.js"() {} });\nexport {};\n'],
    ['__toESM(', 'const lit = __toESM(require_lit());\nexport {};\n'],
    ['System.register(', 'System.register([], function () { return {}; });\n'],
    ['parcelRequire', 'globalThis.parcelRequire = {};\nexport {};\n'],
  ];
  for (const [mark, text] of bundlerRuntimes) {
    test(`podmap publish --dry-run - a module holding ${mark} - PODMAP_ERR_PUBLISH_BUNDLED naming the file and the mark, exit 1`, async (t) => {
      const run = await dryRun(t, { ...goodPodlet(), 'assets/nav/menu.ts': 'export {};\n', 'public/nav/menu.js': text });
      assertRefused(run, 'PODMAP_ERR_PUBLISH_BUNDLED', /public\/nav\/menu\.js holds a bundler's runtime/);
      assert.ok(run.err[0]!.includes(mark.replace('(', '')), run.err[0]);
    });
  }

  test('podmap publish --dry-run - a bundler mark in a .css file - not a module, not checked, exit 0', async (t) => {
    const run = await dryRun(t, { ...goodPodlet(), 'public/cart.css': '/* __webpack_require__ */ p{}' });
    assert.equal(run.code, 0, run.all);
  });

  test('podmap publish --dry-run - a good folder - exit 0, the id, every file of public/ listed, nothing uploaded', async (t) => {
    const files = {
      ...goodPodlet({ name: 'cart', version: '1.4.2' }),
      'assets/nav/menu.mts': 'export {};\n',
      'public/nav/menu.mjs': 'export {};\n',
      'public/cart.css': 'p{}',
      'public/.cache': 'dotfiles are not part of a release',
    };
    const run = await dryRun(t, files);
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(run.err, []);
    assert.match(run.out[0]!, /^podmap publish: cart@1\.4\.2, 4 files \(\d+\.\d KB, \d+\.\d KB packed\)$/);
    assert.deepEqual(run.out.slice(1), [
      '  cart.css',
      '  cart.d.ts',
      '  cart.js',
      '  nav/menu.mjs',
      'dry run: checks passed, nothing was uploaded',
    ]);
  });

  test('podmap publish --dry-run <folder> - the folder given, not the cwd - checked, exit 0', async (t) => {
    const cwd = await makeTempDir(t);
    await writeFiles(cwd, Object.fromEntries(Object.entries(goodPodlet()).map(([file, text]) => [`podlets/cart/${file}`, text])));
    const run = await runCli(['publish', '--dry-run', 'podlets/cart'], cwd);
    assert.equal(run.code, 0, run.all);
    assert.match(run.out[0]!, /^podmap publish: cart@1\.0\.0, /);
  });

  test('podmap publish --dry-run - checks run without a CDN URL or token - no PODMAP_ERR_PUBLISH_NO_CDN', async (t) => {
    const run = await dryRun(t, goodPodlet({ name: 'cart', version: '1' }));
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON', 'the folder is checked although no CDN is set');
  });
});
