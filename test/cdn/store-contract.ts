// One contract for every store driver: test/cdn/store/fs-store.test.ts runs it on a folder,
// test/cdn/s3/s3-store.test.ts on a bucket of a real S3 server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createCdnServer, publishTarball, type CdnStore } from '../../runtime/cdn/index.ts';
import { readAliasTarget, readVersionsBody } from '../../runtime/cdn/store/read-package-index.ts';
import { readPackageMap } from '../../runtime/cdn/store/read-package-map.ts';
import { readVersionMetadata } from '../../runtime/cdn/store/read-version-metadata.ts';
import { metadataKey } from '../../runtime/cdn/store/store-paths.ts';
import type { AfterHook } from '../helpers/cleanups.ts';
import { makeTempDir, manifestOf, packFixture } from './helpers.ts';

/** A fresh, empty store for one test, removed after it. */
export type OpenStore = (t: AfterHook) => Promise<CdnStore>;

/** Packs `name@version` whose index.js exports `marker`; returns the tarball's path. */
export async function packMarked(
  dir: string,
  name: string,
  version: string,
  marker: string,
  dependencies: Record<string, string> = {},
): Promise<string> {
  const files = {
    'package.json': manifestOf(name, version, { exports: { '.': './index.js' }, dependencies }),
    'index.js': `export const marker = ${JSON.stringify(marker)};\n`,
  };
  return packFixture(join(dir, `${name}-${version}-${marker}`), files);
}

/** A version upload of a single file, `files/index.js` holding `text`. */
function upload(version: string, text: string) {
  return {
    kind: 'npm' as const,
    name: 'contract',
    version,
    files: new Map([['files/index.js', Buffer.from(text)]]),
    metadata: JSON.stringify({ text }),
  };
}

/** Registers the store contract's tests for one driver. */
export function describeStoreContract(driver: string, open: OpenStore): void {
  describe(`CdnStore contract - ${driver}`, () => {
    test(`${driver} createIfAbsent() - a key that exists - returns false and keeps the first body`, async (t) => {
      const store = await open(t);
      assert.equal(await store.read('-index/x/a'), null);
      assert.equal(await store.createIfAbsent('-index/x/a', 'one'), true);
      assert.equal(await store.createIfAbsent('-index/x/a', 'two'), false);
      assert.equal((await store.read('-index/x/a'))!.body.toString(), 'one');
    });

    test(`${driver} replaceIf() - a stale ETag, an ETag on a missing key, null on a present key - refuses; the current ETag - replaces`, async (t) => {
      const store = await open(t);
      assert.equal(await store.replaceIf('-index/x/b', 'v1', null), true);
      const first = (await store.read('-index/x/b'))!;
      assert.equal(await store.replaceIf('-index/x/b', 'v1b', null), false);
      assert.equal(await store.replaceIf('-index/x/b', 'v2', first.etag), true);
      assert.equal(await store.replaceIf('-index/x/b', 'v3', first.etag), false, 'the ETag read before v2 is stale');
      assert.equal(await store.replaceIf('-index/x/missing', 'v', first.etag), false);
      assert.equal((await store.read('-index/x/b'))!.body.toString(), 'v2');
      assert.notEqual((await store.read('-index/x/b'))!.etag, first.etag);
    });

    test(`${driver} list() and remove() - nested keys - lists every key below the folder, not its namesakes, and removes one`, async (t) => {
      const store = await open(t);
      for (const key of ['-index/l/a', '-index/l/b/c', '-index/l/b/d/e', '-index/lx/f']) await store.createIfAbsent(key, '');
      assert.deepEqual((await store.list('-index/l')).map((entry) => entry.key).sort(), ['-index/l/a', '-index/l/b/c', '-index/l/b/d/e']);
      await store.remove('-index/l/b/c');
      await store.remove('-index/l/never');
      assert.deepEqual((await store.list('-index/l')).map((entry) => entry.key).sort(), ['-index/l/a', '-index/l/b/d/e']);
      assert.deepEqual(await store.list('-index/none'), []);
    });

    test(`${driver} commitVersion() - the same version twice - the first is listed and kept, the second throws PODMAP_ERR_CDN_VERSION_EXISTS`, async (t) => {
      const store = await open(t);
      assert.deepEqual(await store.listVersions('npm', 'contract'), []);
      await store.commitVersion(upload('1.0.0', 'first'));
      await assert.rejects(store.commitVersion(upload('1.0.0', 'second')), { code: 'PODMAP_ERR_CDN_VERSION_EXISTS' });
      assert.deepEqual(await store.listVersions('npm', 'contract'), ['1.0.0']);
      assert.equal((await store.read('npm/contract@1.0.0/files/index.js'))!.body.toString(), 'first');
      assert.equal((await store.read(metadataKey('npm', 'contract', '1.0.0')))!.body.toString(), '{"text":"first"}');
    });

    test(`${driver} commitVersion() - five concurrent commits of one version - exactly one wins and its file is the one stored`, async (t) => {
      const store = await open(t);
      const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => store.commitVersion(upload('2.0.0', `writer ${i}`))));
      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1, JSON.stringify(results.map((r) => r.status)));
      for (const result of results)
        if (result.status === 'rejected') assert.equal((result.reason as { code: string }).code, 'PODMAP_ERR_CDN_VERSION_EXISTS');
      assert.equal((await store.read('npm/contract@2.0.0/files/index.js'))!.body.toString(), `writer ${winners[0]}`);
      assert.deepEqual(await store.listVersions('npm', 'contract'), ['2.0.0']);
    });

    test(`${driver} publishTarball() - a package and its dependency - metadata, versions list, alias and package map are in the store and served`, async (t) => {
      const store = await open(t);
      const dir = await makeTempDir(t);
      await publishTarball(store, await packMarked(dir, 'dep', '1.0.0', 'd'));
      await publishTarball(store, await packMarked(dir, 'app', '1.2.0', 'a', { dep: '^1.0.0' }));
      const metadata = (await readVersionMetadata(store, 'npm', 'app', '1.2.0'))!;
      assert.equal(metadata.version, '1.2.0');
      assert.equal(await readVersionsBody(store, 'npm', 'app'), '{"name":"app","versions":["1.2.0"],"majors":{"1":"1.2.0"}}');
      assert.equal(await readAliasTarget(store, 'npm', 'app', '1'), '1.2.0');
      const map = await readPackageMap(store, metadata);
      assert.equal(map.status, 200);
      assert.equal((JSON.parse(map.body) as { imports: Record<string, string> }).imports['dep'], '/npm/dep@1.0.0/+/index.js');
      const server = createCdnServer({ storeDir: store });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const answer = await fetch(`${origin}/npm/app@1/index.js`);
      assert.equal(answer.url, `${origin}/npm/app@1.2.0/index.js`);
      assert.equal(await answer.text(), 'export const marker = "a";\n');
    });
  });
}
