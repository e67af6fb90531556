import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openStore } from '../../../runtime/cdn/index.ts';
import { freePort } from '../../helpers/free-port.js';
import { makeTempDir } from '../helpers.ts';

describe('openStore()', () => {
  test('openStore() - a folder, an s3:// URL and a store - the file system store, the S3 store, the store itself', async (t) => {
    const folder = openStore(join(await makeTempDir(t), 'store'));
    assert.equal(folder.driver, 'fs');
    assert.equal(openStore(folder), folder);
    const bucket = openStore('s3://my-bucket/some/prefix/', {});
    assert.equal(bucket.driver, 's3');
    assert.equal(bucket.location, 's3://my-bucket/some/prefix');
    assert.equal(openStore('s3://my-bucket/some/prefix', {}), bucket, 'one client per bucket and prefix');
  });

  test('openStore() - URLs it cannot use - throws PODMAP_ERR_CDN_STORE_URL', () => {
    for (const url of ['s3://', 's3://a', 's3://Bad_Bucket/x', 's3://bucket/x?versionId=1', 'http://example.com/store', 'gs://bucket/x']) {
      assert.throws(() => openStore(url, {}), { code: 'PODMAP_ERR_CDN_STORE_URL' }, url);
    }
  });

  test('openStore() - an endpoint where nothing listens - reads throw PODMAP_ERR_CDN_STORE_UNREACHABLE', async () => {
    const port = await freePort();
    const store = openStore(`s3://nobody-listens-${port}/x`, {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
    });
    await assert.rejects(store.read('-index/format'), { code: 'PODMAP_ERR_CDN_STORE_UNREACHABLE' });
    await assert.rejects(store.createIfAbsent('-index/x', 'y'), { code: 'PODMAP_ERR_CDN_STORE_UNREACHABLE' });
  });
});
