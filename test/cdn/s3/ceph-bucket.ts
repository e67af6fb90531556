import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startCeph, type CephS3 } from '../../helpers/start-ceph.ts';
import type { AfterHook } from '../../helpers/cleanups.ts';

/** The bucket every S3 test of a file shares, each test under a prefix of its own. */
export const testBucket = 'podmap-test';

/**
 * Starts Ceph (startCeph: missing packages or a cluster that does not come up fail the test
 * file, never skip it), creates the test bucket and points this process's AWS variables at the
 * server, as an operator's environment would. Stopped after the file.
 */
export async function startCephBucket(t: AfterHook): Promise<CephS3 & { client: S3Client }> {
  const ceph = await startCeph();
  t.after(() => ceph.stop());
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: ceph.endpoint,
    AWS_REGION: ceph.region,
    AWS_ACCESS_KEY_ID: ceph.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey,
  });
  const client = new S3Client({
    endpoint: ceph.endpoint,
    region: ceph.region,
    forcePathStyle: true,
    credentials: { accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  t.after(() => client.destroy());
  await client.send(new CreateBucketCommand({ Bucket: testBucket }));
  return { ...ceph, client };
}

let prefixes = 0;

/** A store location no other test uses: `s3://<bucket>/<label>-<n>`. */
export function freshLocation(label: string): string {
  return `s3://${testBucket}/${label}-${++prefixes}`;
}
