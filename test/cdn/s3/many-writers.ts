import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openStore, publishTarball } from '../../../runtime/cdn/index.ts';
import { makeTempDir, startCdn } from '../helpers.ts';
import { packMarked } from '../store-contract.ts';
import { freshLocation } from './ceph-bucket.ts';

/** Twenty publishers at once on one bucket: of one version, and of twenty versions of one package. */
export function describeManyWriters(): void {
  describe('S3 store - many writers', () => {
    test('publishTarball() - twenty concurrent publishes of one version - one wins, nineteen get PODMAP_ERR_CDN_VERSION_EXISTS, the winner is served', async (t) => {
      const store = openStore(freshLocation('same-version'));
      const dir = await makeTempDir(t);
      const tarballs = await Promise.all(Array.from({ length: 20 }, (_, i) => packMarked(dir, 'race', '1.0.0', `publisher ${i}`)));
      const results = await Promise.allSettled(tarballs.map((tgz) => publishTarball(store, tgz)));
      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
      for (const result of results)
        if (result.status === 'rejected') assert.equal((result.reason as { code: string }).code, 'PODMAP_ERR_CDN_VERSION_EXISTS');
      const cdn = await startCdn(t, { storeDir: store });
      for (const path of ['/npm/race@1.0.0/index.js', '/npm/race@1.0.0/+/index.js', '/npm/race@1/index.js']) {
        assert.match(await (await fetch(cdn + path)).text(), new RegExp(`"publisher ${winners[0]}"`), path);
      }
      assert.deepEqual(((await (await fetch(`${cdn}/-/npm/race`)).json()) as { versions: string[] }).versions, ['1.0.0']);
      assert.deepEqual(await store.list('.staging'), [], 'no staged upload is left behind');
    });

    test('publishTarball() - twenty concurrent publishes of different versions of one package - all land in the versions list and the alias', async (t) => {
      const store = openStore(freshLocation('many-versions'));
      const dir = await makeTempDir(t);
      const versions = Array.from({ length: 20 }, (_, i) => `1.0.${i}`);
      const tarballs = await Promise.all(versions.map((version) => packMarked(dir, 'crowd', version, version)));
      const results = await Promise.allSettled(tarballs.map((tgz) => publishTarball(store, tgz)));
      assert.deepEqual(
        results.map((result) => result.status),
        versions.map(() => 'fulfilled'),
        // Each rejection with its causes: "the index was not updated" alone does not say why.
        JSON.stringify(results.flatMap((r) => (r.status === 'rejected' ? [causesOf(r.reason)] : []))),
      );
      const cdn = await startCdn(t, { storeDir: store });
      const body = (await (await fetch(`${cdn}/-/npm/crowd`)).json()) as { versions: string[]; majors: Record<string, string> };
      assert.deepEqual(body.versions, versions);
      assert.deepEqual(body.majors, { '1': '1.0.19' });
      assert.equal(
        (await fetch(`${cdn}/npm/crowd@1/index.js`, { redirect: 'manual' })).headers.get('location'),
        '/npm/crowd@1.0.19/index.js',
      );
    });
  });
}

/** An error and the chain of its causes, one line. */
function causesOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    parts.push(`${String(e)}${status ? ` (HTTP ${status})` : ''}`);
  }
  return parts.join(' <- ');
}
