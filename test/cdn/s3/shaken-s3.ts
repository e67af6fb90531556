import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { createShakenService, openStore, publishTarball, type ShakenAnswer, type ShakenRequest } from '../../../runtime/cdn/index.ts';
import { makeTempDir, manifestOf, packFixture, startCdn } from '../helpers.ts';
import { freshLocation } from './ceph-bucket.ts';

/** Shaken builds on a bucket: built from files fetched out of it, written into it, served by the CDN on it. */
export function describeShakenOnS3(): void {
  describe('shaken builds on a bucket', () => {
    test('createShakenService() on a bucket - a build asked for - ready, written to the bucket, its file served by the CDN with the record’s integrity', async (t) => {
      const store = openStore(freshLocation('shaken'));
      const dir = await makeTempDir(t);
      const tarball = await packFixture(dir, {
        'package.json': manifestOf('shk', '1.0.0', { exports: { '.': './index.js' } }),
        'index.js': "export * from './used.js';\nexport * from './unused.js';\n",
        'used.js': "export function used() { return 'USED_MARK'; }\n",
        'unused.js': "export function unused() { return 'UNUSED_MARK'; }\n",
      });
      await publishTarball(store, tarball);
      const service = createShakenService(store);
      const request: ShakenRequest = { packages: { 'shk@1.0.0': { '.': ['used'] } } };
      assert.deepEqual((await service.answer(request)).builds['shk@1.0.0'], { status: 'pending' }, 'nothing built yet');
      assert.ok(service.building(), 'the build was queued');
      await service.idle();
      const answer: ShakenAnswer = await service.answer(request);
      const shk = answer.builds['shk@1.0.0']!;
      assert.ok(shk.status === 'ready', JSON.stringify(answer));
      const file = shk.replaces['+/index.js']!;
      assert.match(file, /^\+\/~shaken\/[0-9a-f]{32}\/index\.js$/);
      const record = await store.read(`npm/shk@1.0.0/shaken/${shk.id}.json`);
      assert.ok(record, 'the record is in the bucket');
      assert.ok(await store.read(`npm/shk@1.0.0/files/${file}`), 'the file is in the bucket');

      const cdn = await startCdn(t, { storeDir: store, shaken: service });
      const got = await fetch(`${cdn}/npm/shk@1.0.0/${file}`, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(got.status, 200);
      const bytes = Buffer.from(await got.arrayBuffer());
      assert.equal(`sha384-${createHash('sha384').update(bytes).digest('base64')}`, shk.files[file]!.integrity);
      assert.match(bytes.toString(), /USED_MARK/);
      assert.doesNotMatch(bytes.toString(), /UNUSED_MARK/, 'the build was shaken');
      assert.equal((await fetch(`${cdn}/npm/shk@1.0.0/+/~shaken/${'0'.repeat(32)}/index.js`)).status, 404);
      assert.equal((await fetch(`${cdn}/npm/shk@1.0.0/shaken/${shk.id}.json`)).status, 404, 'the record is not served');
    });

    test('createCdnServer() on a bucket, default options - POST /-/shaken - answered (200), not turned off (404)', async (t) => {
      const store = openStore(freshLocation('shaken-on'));
      const cdn = await startCdn(t, { storeDir: store });
      // A version the bucket does not hold: answered at once, and no build is queued to outlive the test.
      const body = JSON.stringify({ packages: { 'absent@1.0.0': { '.': ['x'] } } });
      const response = await fetch(`${cdn}/-/shaken`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 200);
      const answer = (await response.json()) as ShakenAnswer;
      assert.equal(answer.builds['absent@1.0.0']?.status, 'full', JSON.stringify(answer));
    });
  });
}
