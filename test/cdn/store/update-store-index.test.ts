import assert from 'node:assert/strict';
import { lstat, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { publishTarball, reindexStore } from '../../../runtime/cdn/index.ts';
import { get, makeTempDir, manifestOf, packFixture, startCdn } from '../helpers.ts';

/** Publishes a one-module fixture package `name@version` depending on `dependencies`. */
async function publishFixture(
  dir: string,
  store: string,
  name: string,
  version: string,
  dependencies: Record<string, string> = {},
): Promise<void> {
  const files = {
    'package.json': manifestOf(name, version, { exports: { '.': './index.js' }, dependencies }),
    'index.js': `${Object.keys(dependencies)
      .map((dependency) => `import '${dependency}';\n`)
      .join('')}export const version = '${version}';\n`,
  };
  await publishTarball(store, await packFixture(join(dir, `${name}-${version}`), files));
}

/** Every file (its text) and link (its target) below `root`, by relative path. */
async function snapshot(root: string, prefix = ''): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of (await readdir(join(root, prefix))).sort()) {
    const path = prefix ? `${prefix}/${entry}` : entry;
    const info = await lstat(join(root, path));
    if (info.isSymbolicLink()) found[path] = `-> ${await readlink(join(root, path))}`;
    else if (info.isDirectory()) Object.assign(found, await snapshot(root, path));
    else found[path] = await readFile(join(root, path), 'utf8');
  }
  return found;
}

async function readMap(store: string, name: string, version: string): Promise<{ imports: Record<string, string> }> {
  return JSON.parse(await readFile(join(store, '-index/maps/npm', `${name}@${version}.json`), 'utf8')) as {
    imports: Record<string, string>;
  };
}

describe('updateStoreIndex()', () => {
  test('a published dependency - rewrites the maps of the versions that depend on it, transitively, and leaves other maps alone', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    await publishFixture(dir, store, 'c', '1.0.0');
    await publishFixture(dir, store, 'b', '1.0.0', { c: '^1.0.0' });
    await publishFixture(dir, store, 'a', '1.0.0', { b: '^1.0.0' });
    await publishFixture(dir, store, 'other', '1.0.0');
    const untouched = (await stat(join(store, '-index/maps/npm/other@1.0.0.json'))).mtimeMs;
    assert.equal((await readMap(store, 'a', '1.0.0')).imports['c'], '/npm/c@1.0.0/+/index.js');

    await publishFixture(dir, store, 'c', '1.1.0');

    assert.equal((await readMap(store, 'a', '1.0.0')).imports['c'], '/npm/c@1.1.0/+/index.js');
    assert.equal((await readMap(store, 'b', '1.0.0')).imports['c'], '/npm/c@1.1.0/+/index.js');
    assert.equal((await stat(join(store, '-index/maps/npm/other@1.0.0.json'))).mtimeMs, untouched);
    assert.equal(await readlink(join(store, '-index/aliases/npm/c@1')), '../../../npm/c@1.1.0');
    assert.deepEqual(JSON.parse(await readFile(join(store, '-index/versions/npm/c.json'), 'utf8')), {
      name: 'c',
      versions: ['1.0.0', '1.1.0'],
      majors: { 1: '1.1.0' },
    });
    assert.deepEqual(await readdir(join(store, '.staging')), [], 'no temporary file is left behind');
  });

  test('a dependency published after its dependent - turns the stored 409 into a map', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    await publishFixture(dir, store, '@acme/app', '2.0.0', { '@acme/lib': '^0.3.0' });
    const error = JSON.parse(await readFile(join(store, '-index/map-errors/npm/@acme/app@2.0.0.json'), 'utf8'));
    assert.equal(error.error.code, 'PODMAP_ERR_CDN_DEPENDENCY_MISSING');
    await assert.rejects(stat(join(store, '-index/maps/npm/@acme/app@2.0.0.json')), { code: 'ENOENT' });

    await publishFixture(dir, store, '@acme/lib', '0.3.1');

    assert.equal((await readMap(store, '@acme/app', '2.0.0')).imports['@acme/lib'], '/npm/@acme/lib@0.3.1/+/index.js');
    await assert.rejects(stat(join(store, '-index/map-errors/npm/@acme/app@2.0.0.json')), { code: 'ENOENT' });
    assert.equal(await readlink(join(store, '-index/aliases/npm/@acme/lib@0.3')), '../../../../npm/@acme/lib@0.3.1');
  });

  test('concurrent publishes of related packages - leave the index a full reindex would build', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    await publishFixture(dir, store, 'base', '1.0.0');
    await publishFixture(dir, store, 'mid', '1.0.0', { base: '^1.0.0' });
    await publishFixture(dir, store, 'top', '1.0.0', { mid: '^1.0.0', base: '^1.0.0' });
    // Each publish rewrites the maps of mid and top while the others rename their versions in.
    await Promise.all([
      ...[1, 2, 3, 4, 5, 6].map((minor) => publishFixture(dir, store, 'base', `1.${minor}.0`)),
      publishFixture(dir, store, 'mid', '1.0.1', { base: '^1.0.0' }),
    ]);
    const published = await snapshot(join(store, '-index'));
    await rm(join(store, '-index'), { recursive: true });
    await reindexStore(store);
    assert.deepEqual(published, await snapshot(join(store, '-index')));
    assert.equal((await readMap(store, 'top', '1.0.0')).imports['base'], '/npm/base@1.6.0/+/index.js');
  });
});

describe('reindexStore()', () => {
  test('run again on an indexed store - rewrites nothing, so nginx keeps its ETags', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    await publishFixture(dir, store, 'c', '1.0.0');
    await publishFixture(dir, store, 'b', '1.0.0', { c: '^1.0.0' });
    const before = await stat(join(store, '-index/maps/npm/b@1.0.0.json'));
    await reindexStore(store);
    assert.equal((await stat(join(store, '-index/maps/npm/b@1.0.0.json'))).mtimeMs, before.mtimeMs);
  });
});

describe('createCdnServer() - a store without an index', () => {
  test('is indexed before the first answer, which matches the index', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    await publishFixture(dir, store, 'c', '1.0.0');
    await publishFixture(dir, store, 'b', '1.0.0', { c: '^1.0.0' });
    await rm(join(store, '-index'), { recursive: true });
    const origin = await startCdn(t, { storeDir: store });

    const res = await get(`${origin}/-/map/npm/b@1.0.0`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), await readFile(join(store, '-index/maps/npm/b@1.0.0.json'), 'utf8'));
    assert.equal(await readFile(join(store, '-index/format'), 'utf8'), 'podmap store index 1\n');
    const alias = await get(`${origin}/npm/c@1/index.js`);
    assert.equal(alias.headers.get('location'), '/npm/c@1.0.0/index.js');
  });
});
