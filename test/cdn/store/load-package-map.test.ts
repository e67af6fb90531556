import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { reindexStore, type VersionMetadata } from '../../../runtime/cdn/index.ts';
import { loadPackageMap } from '../../../runtime/cdn/store/load-package-map.ts';
import { computePackageMap } from '../../../runtime/cdn/store/read-package-map.ts';
import { readVersionMetadata } from '../../../runtime/cdn/store/read-version-metadata.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';
import { makeTempDir } from '../helpers.ts';
import { openStore } from '../../../runtime/cdn/store/open-store.ts';

/** The metadata of a one-module version, `dependencies` as given. */
function metadataOf(name: string, version: string, dependencies: Record<string, string> = {}): VersionMetadata {
  return {
    kind: 'npm',
    name,
    version,
    dependencies,
    exports: { [name]: './index.js' },
    files: { 'index.js': { size: 1, integrity: 'sha384-x', type: 'text/javascript' } },
  };
}

/** Writes `metadata` as `<folder>/meta.json` under the store, the way a publish leaves it. */
async function store(storeDir: string, folder: string, metadata: VersionMetadata): Promise<void> {
  await mkdir(join(storeDir, folder), { recursive: true });
  await writeFile(join(storeDir, folder, 'meta.json'), JSON.stringify(metadata));
}

const isBadName = (name: string) => (error: unknown) =>
  error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_BAD_NAME' && error.message.includes(JSON.stringify(name));

describe('loadPackageMap()', () => {
  test('a stored version that depends on "../evil" - is refused with PODMAP_ERR_CDN_BAD_NAME, and what lies beside the npm folder never reaches the map', async (t) => {
    const storeDir = join(await makeTempDir(t), 'store');
    // A version folder outside npm/ that the unchecked name leads to: the path is really reachable.
    await store(storeDir, 'evil@1.0.0', metadataOf('evil', '1.0.0'));
    assert.equal((await readVersionMetadata(openStore(storeDir), 'npm', '../evil', '1.0.0'))?.name, 'evil', 'the hostile name reaches a path');
    const root = metadataOf('root', '1.0.0', { '../evil': '^1.0.0' });
    await store(storeDir, 'npm/root@1.0.0', root);
    await assert.rejects(loadPackageMap(openStore(storeDir), root), (error: unknown) => {
      assert.ok(isBadName('../evil')(error), String(error));
      assert.match((error as Error).message, /npm\/root@1\.0\.0 depends on "\.\.\/evil"/);
      return true;
    });
  });

  test('other hostile names, at the root or deeper in the closure - are refused the same way, naming the version that depends on them', async (t) => {
    const storeDir = join(await makeTempDir(t), 'store');
    for (const name of ['@../x', '..', '__proto__', '.hidden', 'a/b/c', 'Not Valid', '']) {
      await assert.rejects(loadPackageMap(openStore(storeDir), metadataOf('root', '1.0.0', { [name]: '^1.0.0' })), isBadName(name), name);
    }
    await store(storeDir, 'npm/mid@1.0.0', metadataOf('mid', '1.0.0', { '@../x': '1' }));
    await assert.rejects(loadPackageMap(openStore(storeDir), metadataOf('root', '1.0.0', { mid: '^1.0.0' })), (error: unknown) => {
      assert.ok(isBadName('@../x')(error), String(error));
      assert.match((error as Error).message, /npm\/mid@1\.0\.0 depends on "@\.\.\/x"/);
      return true;
    });
  });

  test('a dependency named like a property of every object ("constructor") - is listed and resolved like any other', async (t) => {
    const storeDir = join(await makeTempDir(t), 'store');
    await store(storeDir, 'npm/constructor@1.2.0', metadataOf('constructor', '1.2.0'));
    const map = await loadPackageMap(openStore(storeDir), metadataOf('root', '1.0.0', { constructor: '^1.0.0' }));
    assert.equal(map.imports['constructor'], '/npm/constructor@1.2.0/index.js');
  });

  test('computePackageMap() and reindexStore() of a store holding such a version - answer 409 with the code; the store is indexed, not stopped', async (t) => {
    const storeDir = join(await makeTempDir(t), 'store');
    const root = metadataOf('root', '1.0.0', { '../evil': '^1.0.0' });
    await store(storeDir, 'npm/root@1.0.0', root);
    await store(storeDir, 'npm/fine@1.0.0', metadataOf('fine', '1.0.0'));
    const answer = await computePackageMap(openStore(storeDir), root);
    assert.equal(answer.status, 409);
    assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'PODMAP_ERR_CDN_BAD_NAME');
    await reindexStore(storeDir);
    const stored = JSON.parse(await readFile(join(storeDir, '-index/map-errors/npm/root@1.0.0.json'), 'utf8')) as { error: { code: string } };
    assert.equal(stored.error.code, 'PODMAP_ERR_CDN_BAD_NAME');
    assert.ok(JSON.parse(await readFile(join(storeDir, '-index/maps/npm/fine@1.0.0.json'), 'utf8')), 'the other version has its map');
  });
});
