import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { openStore, publishTarball } from '../../../runtime/cdn/index.ts';
import { readShakenBuild, writeShakenBuild, type StoredShakenBuild } from '../../../runtime/cdn/store/shaken-build-store.ts';
import { makeTempDir, manifestOf, packFixture } from '../helpers.ts';

const id = 'a'.repeat(32);
const build: StoredShakenBuild = { id, name: 'half', version: '1.0.0', replaces: {}, files: {}, imports: {} };
const file = `+/~shaken/${id}/index.js`;

async function publishedStore(t: TestContext) {
  const dir = await makeTempDir(t);
  const store = openStore(join(dir, 'store'));
  await publishTarball(store, await packFixture(dir, { 'package.json': manifestOf('half', '1.0.0'), 'index.js': 'export {};\n' }));
  return store;
}

test('writeShakenBuild() - a writer that stopped after a file, before the record - the retry keeps the file and writes the record', async (t) => {
  const store = await publishedStore(t);
  const key = `npm/half@1.0.0/files/${file}`;
  assert.equal(await store.createIfAbsent(key, 'export const a = 1;\n'), true, 'the dead writer’s file is there');
  assert.equal(await readShakenBuild(store, 'half', '1.0.0', id), null, 'not visible without its record');
  await writeShakenBuild(store, build, new Map([[file, { bytes: Buffer.from('export const a = 1;\n') }]]), 8);
  assert.equal((await store.read(key))!.body.toString(), 'export const a = 1;\n');
  assert.deepEqual(await readShakenBuild(store, 'half', '1.0.0', id), build);
});

test('writeShakenBuild() - a path outside the build’s folder, an unknown version, past the variants - coded errors, no record written', async (t) => {
  const store = await publishedStore(t);
  const write = (record: StoredShakenBuild, path: string, max = 8) => writeShakenBuild(store, record, new Map([[path, { bytes: Buffer.from('x') }]]), max);
  await assert.rejects(write(build, `+/~shaken/${id}/../../../meta.json`), { code: 'PODMAP_ERR_BAD_PATH' });
  await assert.rejects(write(build, '+/index.js'), { code: 'PODMAP_ERR_BAD_PATH' });
  await assert.rejects(write({ ...build, id: '../x' }, file), { code: 'PODMAP_ERR_BAD_PATH' });
  await assert.rejects(write({ ...build, version: '9.9.9' }, file), { code: 'PODMAP_ERR_CDN_VERSION_UNKNOWN' });
  assert.deepEqual(await store.list('npm/half@1.0.0/shaken'), []);
  assert.equal((await store.read('npm/half@1.0.0/meta.json'))!.body.toString().includes('"index.js"'), true, 'meta.json untouched');
  await write(build, file, 1);
  const other = 'b'.repeat(32);
  await assert.rejects(write({ ...build, id: other }, `+/~shaken/${other}/index.js`, 1), { code: 'PODMAP_ERR_CDN_SHAKEN_LIMIT' });
  assert.equal(await readShakenBuild(store, 'half', '1.0.0', other), null);
});
