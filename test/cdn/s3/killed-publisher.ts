import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore, publishTarball } from '../../../runtime/cdn/index.ts';
import { claimKey, metadataKey } from '../../../runtime/cdn/store/store-paths.ts';
import { makeTempDir, startCdn } from '../helpers.ts';
import { packMarked } from '../store-contract.ts';
import { freshLocation, testBucket } from './ceph-bucket.ts';

const child = fileURLToPath(new URL('./publish-child.ts', import.meta.url));

/** Runs publish-child.ts on `location` until it pauses at `pauseAt`, then kills it with SIGKILL. */
async function publishAndKill(location: string, tarball: string, pauseAt: string): Promise<{ paused: string; copied: number }> {
  const prefix = location.slice(`s3://${testBucket}/`.length);
  const publisher = spawn(process.execPath, ['--import', 'tsx', child, testBucket, prefix, tarball, pauseAt], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([once(publisher, 'message'), once(publisher, 'exit')])) as [{ paused?: string; copied: number }];
  assert.ok(message?.paused, `the publisher should have paused at ${pauseAt}, not ${JSON.stringify(message)}`);
  publisher.kill('SIGKILL');
  await once(publisher, 'exit');
  return { paused: message.paused, copied: message.copied };
}

/** Publishers killed with SIGKILL halfway, in a child process: after staging their release, and while copying it into the version they claimed. */
export function describeKilledPublisher(): void {
  describe('S3 store - a publisher killed mid-publish', () => {
    test('publishTarball() - killed after staging its release, before claiming - nothing is visible, and a retry succeeds', async (t) => {
      const location = freshLocation('killed-staged');
      const store = openStore(location);
      const tarball = await packMarked(await makeTempDir(t), 'killed', '1.0.0', 'first try');
      const { paused } = await publishAndKill(location, tarball, 'staged');
      assert.match(paused, /\/\.staging\/npm\/killed@1\.0\.0\/[^/]+\/release$/);
      assert.equal((await store.list('.staging')).length, 1, 'the kill landed after the staged upload');
      assert.equal(await store.read(claimKey('npm', 'killed', '1.0.0')), null);
      assert.equal(await store.read(metadataKey('npm', 'killed', '1.0.0')), null);
      assert.deepEqual(await store.listVersions('npm', 'killed'), []);
      const cdn = await startCdn(t, { storeDir: store, staleStagingMs: 60_000 });
      assert.equal((await fetch(`${cdn}/npm/killed@1.0.0/index.js`)).status, 404);
      assert.equal((await fetch(`${cdn}/-/npm/killed`)).status, 404);

      await publishTarball(store, tarball);
      assert.equal(await (await fetch(`${cdn}/npm/killed@1/index.js`)).text(), 'export const marker = "first try";\n');
      // The dead publisher's bundle stays until the clean-up finds it stale.
      assert.equal((await store.cleanStaging(0)).length, 1);
      assert.deepEqual(await store.list('.staging'), []);
    });

    test('CdnStore.cleanStaging() - a publisher killed after claiming - completes the claimed release instead of removing it', async (t) => {
      const location = freshLocation('killed-cleaned');
      const store = openStore(location);
      const tarball = await packMarked(await makeTempDir(t), 'orphan', '2.0.0', 'completed by the clean-up');
      await publishAndKill(location, tarball, 'copying:1');
      assert.deepEqual(await store.listVersions('npm', 'orphan'), []);
      assert.equal((await store.cleanStaging(60_000)).length, 0, 'a young upload is left alone');
      assert.equal((await store.cleanStaging(0)).length, 1);
      assert.deepEqual(await store.listVersions('npm', 'orphan'), ['2.0.0']);
      assert.deepEqual(await store.list('.staging'), []);
      const cdn = await startCdn(t, { storeDir: store });
      assert.equal(await (await fetch(`${cdn}/npm/orphan@2.0.0/index.js`)).text(), 'export const marker = "completed by the clean-up";\n');
    });

    test('publishTarball() - killed after claiming, two files into the version - nothing is visible; a retry of the same tarball completes it, another tarball gets PODMAP_ERR_CDN_VERSION_EXISTS', async (t) => {
      const location = freshLocation('killed-claimed');
      const store = openStore(location);
      const dir = await makeTempDir(t);
      const tarball = await packMarked(dir, 'claimed', '1.0.0', 'the claimed release');
      const { copied } = await publishAndKill(location, tarball, 'copying:2');
      assert.equal(copied, 2);
      assert.notEqual(await store.read(claimKey('npm', 'claimed', '1.0.0')), null, 'the kill landed after the claim');
      const written = (await store.list('npm/claimed@1.0.0')).map((entry) => entry.key);
      assert.ok(written.filter((key) => !key.endsWith('/claim.json')).length >= 2, `files in place: ${written.join(' ')}`);
      assert.ok(!written.some((key) => key.endsWith('/meta.json')), 'but not its metadata');
      assert.equal(await store.read(metadataKey('npm', 'claimed', '1.0.0')), null);
      assert.deepEqual(await store.listVersions('npm', 'claimed'), []);
      const early = await startCdn(t, { storeDir: store, staleStagingMs: 60_000 });
      assert.equal((await fetch(`${early}/npm/claimed@1.0.0/${written[0]!.split('/files/')[1] ?? 'index.js'}`)).status, 404);
      assert.equal((await fetch(`${early}/-/npm/claimed`)).status, 404);

      await publishTarball(store, tarball);
      const other = await packMarked(dir, 'claimed', '1.0.0', 'a different release');
      await assert.rejects(publishTarball(store, other), { code: 'PODMAP_ERR_CDN_VERSION_EXISTS' });
      const cdn = await startCdn(t, { storeDir: store });
      assert.equal(await (await fetch(`${cdn}/npm/claimed@1.0.0/index.js`)).text(), 'export const marker = "the claimed release";\n');
      assert.deepEqual(await store.list('.staging'), []);
    });
  });
}
