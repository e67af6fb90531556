// Every test of the S3 store, in one file so that Ceph starts once (about 15 s): the server's
// own conditional writes first, then the store contract, then many writers, a killed publisher,
// nginx in front of the bucket, the demo on two CDNs and shaken builds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../../runtime/cdn/index.ts';
import { collectCleanups } from '../../helpers/cleanups.ts';
import { describeStoreContract } from '../store-contract.ts';
import { freshLocation, startCephBucket, testBucket } from './ceph-bucket.ts';
import { describeDemoOnTwoCdns } from './demo-on-two-cdns.ts';
import { describeKilledPublisher } from './killed-publisher.ts';
import { describeManyWriters } from './many-writers.ts';
import { describeNginxOnS3 } from './nginx-s3.ts';
import { describeShakenOnS3 } from './shaken-s3.ts';

const cleanups = collectCleanups();
let ceph: Awaited<ReturnType<typeof startCephBucket>>;
before(async () => {
  ceph = await startCephBucket(cleanups);
});
after(() => cleanups.run());

describe('the S3 server - conditional writes, checked before the store relies on them', () => {
  test('createIfAbsent() (If-None-Match: *) - twenty concurrent writers of one new key - exactly one wins and its body is stored', async () => {
    const store = openStore(freshLocation('conditions'));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.createIfAbsent('-index/race', `writer ${i}`)));
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    assert.equal(winners.length, 1);
    assert.equal((await store.read('-index/race'))!.body.toString(), `writer ${winners[0]}`);
  });

  test('replaceIf() (If-Match) - twenty concurrent writers holding one ETag - exactly one wins and its body is stored', async () => {
    const store = openStore(freshLocation('conditions'));
    await store.createIfAbsent('-index/doc', 'start');
    const { etag } = (await store.read('-index/doc'))!;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.replaceIf('-index/doc', `writer ${i}`, etag)));
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    assert.equal(winners.length, 1);
    assert.equal((await store.read('-index/doc'))!.body.toString(), `writer ${winners[0]}`);
  });
});

describe('S3 store - bad configuration', () => {
  test('openStore() - wrong keys, a bucket that does not exist - reads and writes throw PODMAP_ERR_CDN_STORE_UNREACHABLE', async () => {
    const wrongKeys = openStore(`s3://${testBucket}/bad-keys`, { ...process.env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    await assert.rejects(wrongKeys.read('-index/format'), { code: 'PODMAP_ERR_CDN_STORE_UNREACHABLE' });
    await assert.rejects(wrongKeys.createIfAbsent('-index/x', 'y'), { code: 'PODMAP_ERR_CDN_STORE_UNREACHABLE' });
    const noBucket = openStore('s3://no-such-bucket/x');
    await assert.rejects(noBucket.createIfAbsent('-index/x', 'y'), { code: 'PODMAP_ERR_CDN_STORE_UNREACHABLE' });
    await assert.rejects(noBucket.list('npm'), { code: 'PODMAP_ERR_CDN_STORE_UNREACHABLE' });
  });
});

describeStoreContract('S3', async () => openStore(freshLocation('contract')));
describeManyWriters();
describeKilledPublisher();
describeNginxOnS3(() => ceph);
describeDemoOnTwoCdns();
describeShakenOnS3();
