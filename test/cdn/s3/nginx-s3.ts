import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { createCdnServer, generateNginxS3Config, openStore, publishTarball } from '../../../runtime/cdn/index.ts';
import { freePort } from '../../helpers/free-port.js';
import { rawGet } from '../../helpers/raw-get.ts';
import { startNginx } from '../../helpers/start-nginx.ts';
import { makeTempDir, manifestOf, packFixture } from '../helpers.ts';
import { freshLocation, testBucket } from './ceph-bucket.ts';

/** Lets anonymous clients read the versions below `prefix`, and nothing else of the bucket. */
async function allowAnonymousReads(client: S3Client, prefix: string): Promise<void> {
  const resources = ['npm', 'podlet'].map((kind) => `arn:aws:s3:::${testBucket}/${prefix}/${kind}/*`);
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: resources }] };
  await client.send(new PutBucketPolicyCommand({ Bucket: testBucket, Policy: JSON.stringify(policy) }));
}

/** nginx in front of a bucket (generateNginxS3Config), checked against podmap's server on the same bucket. */
export function describeNginxOnS3(ceph: () => { endpoint: string; client: S3Client }): void {
  describe('generateNginxS3Config() - real nginx in front of a bucket', () => {
    test('generateNginxS3Config() - exact files from the bucket, the rest from the CDN - same answers as createCdnServer(), and files still served with the CDN down', async (t) => {
      const location = freshLocation('nginx');
      const prefix = location.slice(`s3://${testBucket}/`.length);
      const store = openStore(location);
      const dir = await makeTempDir(t);
      const files = {
        'package.json': manifestOf('served', '1.0.0', { exports: { '.': './index.js' } }),
        'index.js': `export const lines = [\n${'  "a line that compresses well",\n'.repeat(100)}];\n`,
        'tiny.js': '1',
        'docs/read me.txt': 'spaces in a name',
      };
      await publishTarball(store, await packFixture(dir, files));
      await allowAnonymousReads(ceph().client, prefix);
      const server = createCdnServer({ storeDir: store });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const closeCdn = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
      t.after(() => server.listening && closeCdn());
      const cdn = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const port = await freePort();
      const nginxDir = join(dir, 'nginx');
      await chmod(dir, 0o755);
      await startNginx(
        t,
        nginxDir,
        generateNginxS3Config({ bucketUrl: `${ceph().endpoint}/${testBucket}/${prefix}`, cdnOrigin: cdn, port }),
        port,
      );
      const nginx = `http://127.0.0.1:${port}`;

      const exact = [
        '/npm/served@1.0.0/index.js',
        '/npm/served@1.0.0/tiny.js',
        '/npm/served@1.0.0/+/index.js',
        '/npm/served@1.0.0/docs/read%20me.txt',
      ];
      const rest = [
        '/npm/served@1.0.0/missing.js',
        '/npm/served@1/index.js',
        '/-/npm/served',
        '/-/npm/served@1.0.0',
        '/-/map/npm/served@1.0.0',
      ];
      for (const path of [...exact, ...rest]) {
        for (const encoding of ['identity', 'gzip', 'br, gzip']) {
          const [a, b] = await Promise.all(
            [cdn, nginx].map((origin) => fetch(origin + path, { redirect: 'manual', headers: { 'accept-encoding': encoding } })),
          );
          const label = `${path} (${encoding})`;
          assert.equal(b!.status, a!.status, label);
          for (const header of ['location', 'cache-control', 'content-encoding', 'content-type', 'access-control-allow-origin']) {
            assert.equal(b!.headers.get(header), a!.headers.get(header), `${label}: ${header}`);
          }
          assert.deepEqual(Buffer.from(await b!.arrayBuffer()), Buffer.from(await a!.arrayBuffer()), label);
        }
      }
      const compressed = await fetch(`${nginx}/npm/served@1.0.0/index.js`, { headers: { 'accept-encoding': 'br' } });
      assert.equal(compressed.headers.get('content-encoding'), 'br', 'the bucket served the stored brotli copy');
      assert.equal(compressed.headers.get('x-amz-request-id'), null);

      // Escaped dots, slashes and backslashes never reach the bucket, whatever nginx made of them.
      for (const path of [
        '/npm/served@1.0.0/docs/%2E%2E/index.js',
        '/npm/served@1.0.0/docs%2Fread%20me.txt',
        '/npm/served@1.0.0/%5Cindex.js',
      ]) {
        // As written: fetch() would resolve the dots itself.
        const answer = await rawGet(nginx, path);
        assert.equal(answer.status, 404, path);
        assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'PODMAP_ERR_NOT_FOUND', path);
      }

      // With podmap's server gone, exact files still come from the bucket; everything else cannot.
      await closeCdn();
      assert.equal((await fetch(`${nginx}/-/npm/served`)).status, 502);
      const file = await fetch(`${nginx}/npm/served@1.0.0/tiny.js`);
      assert.equal(file.status, 200);
      assert.equal(await file.text(), '1');
    });
  });
}
