// `podmap publish-package` to a real CDN: tarballs and folders it cannot read, several targets, and --with-dependencies.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { makeTempDir, manifestOf, packFixture } from '../cdn/helpers.ts';
import { printedCode, runCli, startCdnWithTeams, writeFiles } from './cli-helpers.ts';

type Context = Parameters<typeof makeTempDir>[0];

/** A tiny ES module package `name`@`version`, packed as npm would, in `dir`; returns the .tgz path. */
const tinyTarball = (dir: string, name: string, version = '1.0.0') =>
  packFixture(dir, { 'package.json': manifestOf(name, version, { main: 'index.js' }), 'index.js': `export const name = '${name}';\n` });

/** Whether the CDN has `npm/<id>` (its metadata answers 200). */
const onCdn = async (cdn: string, id: string) => (await fetch(`${cdn}-/npm/${id}`)).status === 200;

/** A CDN whose one token may publish the npm scope @ok, tiny-dep and app-main; the env that uses it. */
async function okCdn(t: Context) {
  const { cdn, tokens } = await startCdnWithTeams(t, { platform: ['npm/@ok/*', 'npm/tiny-dep', 'npm/app-main'] });
  return { cdn, env: { PODMAP_CDN_URL: cdn, PODMAP_CDN_TOKEN: tokens.platform! } };
}

describe('podmap publish-package - files it cannot read', () => {
  const unreadable: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    ['a file that is not gzip', (dir) => writeFile(path.join(dir, 'bad.tgz'), 'just text'), /bad\.tgz is not a gzip'd tarball/],
    ['an empty file', (dir) => writeFile(path.join(dir, 'bad.tgz'), ''), /bad\.tgz is not a gzip'd tarball/],
    ['gzip of something that is no tarball', (dir) => writeFile(path.join(dir, 'bad.tgz'), gzipSync('hello')), /no package\/package\.json/],
  ];
  for (const [situation, make, message] of unreadable) {
    test(`podmap publish-package - ${situation} - PODMAP_ERR_PUBLISH_PACKAGE_JSON naming it, exit 1`, async (t) => {
      const { env } = await okCdn(t);
      const cwd = await makeTempDir(t);
      await make(cwd);
      const run = await runCli(['publish-package', 'bad.tgz'], cwd, env);
      assert.equal(run.code, 1, run.all);
      assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON');
      assert.match(run.err[0]!, message);
    });
  }

  test('podmap publish-package - a tgz without package/package.json - PODMAP_ERR_PUBLISH_PACKAGE_JSON, exit 1', async (t) => {
    const { env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    // A tarball npm would never write: its files under lib/, no package/ folder at all.
    await writeFiles(path.join(cwd, 'src'), { 'lib/index.js': 'export {};\n' });
    await createTar({ gzip: true, file: path.join(cwd, 'nomanifest.tgz'), cwd: path.join(cwd, 'src'), portable: true }, ['lib']);
    const run = await runCli(['publish-package', 'nomanifest.tgz'], cwd, env);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON');
    assert.match(run.err[0]!, /nomanifest\.tgz has no package\/package\.json with a name and a version/);
  });

  test('podmap publish-package - a tgz whose package.json is not JSON - PODMAP_ERR_PUBLISH_PACKAGE_JSON, exit 1', async (t) => {
    const { env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    await writeFiles(path.join(cwd, 'src'), { 'package/package.json': '{ "name": "@ok/a", ' });
    await createTar({ gzip: true, file: path.join(cwd, 'a.tgz'), cwd: path.join(cwd, 'src'), portable: true }, ['package']);
    const run = await runCli(['publish-package', 'a.tgz'], cwd, env);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON');
    assert.match(run.err[0]!, /a\.tgz: package\/package\.json: .*JSON/);
  });

  test('podmap publish-package - a path that does not exist - PODMAP_ERR_PUBLISH_PACKAGE_JSON naming it, exit 1', async (t) => {
    const { env } = await okCdn(t);
    const run = await runCli(['publish-package', 'missing.tgz'], await makeTempDir(t), env);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON');
    assert.match(run.err[0]!, /missing\.tgz: no such tarball or folder\)$/);
  });
});

describe('podmap publish-package - several targets', () => {
  test('podmap publish-package - four targets, two failing - the others published, exit 1 with the first failure code', async (t) => {
    const { cdn, env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    const a = await tinyTarball(cwd, '@ok/a');
    const other = await tinyTarball(cwd, '@other/x');
    await writeFile(path.join(cwd, 'bad.tgz'), 'not gzip');
    const b = await tinyTarball(cwd, '@ok/b');
    const labels = [a, other, path.join(cwd, 'bad.tgz'), b].map((file) => path.basename(file));
    const run = await runCli(['publish-package', ...labels], cwd, env);
    assert.equal(run.code, 1, run.all);
    assert.ok(await onCdn(cdn, '@ok/a@1.0.0'), 'the target before the failures');
    assert.ok(await onCdn(cdn, '@ok/b@1.0.0'), 'the target after the failures');
    assert.ok(!(await onCdn(cdn, '@other/x@1.0.0')));
    assert.ok(
      run.err.some((line) => line.startsWith(`podmap: PODMAP_ERR_CDN_FORBIDDEN: ${labels[1]}: `)),
      run.all,
    );
    assert.ok(
      run.err.some((line) => line.startsWith('podmap: PODMAP_ERR_PUBLISH_PACKAGE_JSON: bad.tgz: ')),
      run.all,
    );
    assert.match(run.err.at(-1)!, new RegExp(`^podmap: PODMAP_ERR_CDN_FORBIDDEN: 2 of 4 not published: ${labels[1]}, bad\\.tgz$`));
    assert.ok(run.out.includes(`published @ok/a@1.0.0: ${cdn}npm/@ok/a@1.0.0/`), run.all);
  });

  test('podmap publish-package - a version already on the CDN, asked for by name - PODMAP_ERR_CDN_VERSION_EXISTS, exit 1', async (t) => {
    const { env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    const a = path.basename(await tinyTarball(cwd, '@ok/a'));
    assert.equal((await runCli(['publish-package', a], cwd, env)).code, 0);
    const again = await runCli(['publish-package', a], cwd, env);
    assert.equal(again.code, 1, again.all);
    assert.equal(printedCode(again), 'PODMAP_ERR_CDN_VERSION_EXISTS');
  });
});

describe('podmap publish-package --with-dependencies', () => {
  test('podmap publish-package --with-dependencies - a dependency that is not installed - coded error naming it, nothing published', async (t) => {
    const { cdn, env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    await writeFiles(cwd, {
      'app/package.json': manifestOf('app-main', '1.0.0', { main: 'index.js', dependencies: { 'tiny-missing-4f1c': '^1.0.0' } }),
      'app/index.js': "export * from 'tiny-missing-4f1c';\n",
    });
    const run = await runCli(['publish-package', '--with-dependencies', 'app'], cwd, env);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON');
    assert.match(run.err[0]!, /app-main depends on tiny-missing-4f1c, which is not installed/);
    assert.ok(!(await onCdn(cdn, 'app-main@1.0.0')));
  });

  test('podmap publish-package --with-dependencies - an installed dependency whose package.json is broken - coded error naming it, nothing published', async (t) => {
    const { cdn, env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    await writeFiles(cwd, {
      'app/package.json': manifestOf('app-main', '1.0.0', { main: 'index.js', dependencies: { 'tiny-dep': '^1.0.0' } }),
      'app/index.js': "export * from 'tiny-dep';\n",
      'app/node_modules/tiny-dep/package.json': '{ "name": "tiny-dep", ',
    });
    const run = await runCli(['publish-package', '--with-dependencies', 'app'], cwd, env);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_PUBLISH_PACKAGE_JSON');
    assert.match(run.err[0]!, /tiny-dep[/\\]package\.json/);
    assert.ok(!(await onCdn(cdn, 'app-main@1.0.0')));
  });

  test('podmap publish-package --with-dependencies - an installed dependency - both published; again, the dependency is reported as there', async (t) => {
    const { cdn, env } = await okCdn(t);
    const cwd = await makeTempDir(t);
    const app = (version: string) => ({
      'app/package.json': manifestOf('app-main', version, { main: 'index.js', dependencies: { 'tiny-dep': '^1.0.0' } }),
      'app/index.js': "export * from 'tiny-dep';\n",
    });
    await writeFiles(cwd, {
      ...app('1.0.0'),
      'app/node_modules/tiny-dep/package.json': manifestOf('tiny-dep', '1.0.0', { main: 'index.js' }),
      'app/node_modules/tiny-dep/index.js': "export const dep = 'tiny';\n",
    });
    const first = await runCli(['publish-package', '--with-dependencies', 'app'], cwd, env);
    assert.equal(first.code, 0, first.all);
    assert.ok(await onCdn(cdn, 'app-main@1.0.0'));
    assert.ok(await onCdn(cdn, 'tiny-dep@1.0.0'));
    assert.ok(first.out.includes(`published tiny-dep@1.0.0: ${cdn}npm/tiny-dep@1.0.0/`), first.all);

    await writeFiles(cwd, app('1.1.0'));
    const second = await runCli(['publish-package', '--with-dependencies', 'app'], cwd, env);
    assert.equal(second.code, 0, second.all);
    assert.deepEqual(second.err, []);
    assert.ok(second.out.includes('tiny-dep@1.0.0 is on the CDN already'), second.all);
    assert.ok(await onCdn(cdn, 'app-main@1.1.0'));
  });
});
