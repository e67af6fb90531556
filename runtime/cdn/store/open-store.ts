import { S3Client } from '@aws-sdk/client-s3';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnStore } from './cdn-store.ts';
import { createFsStore } from './fs-store.ts';
import { createS3Store } from './s3-store.ts';

/** A store, or where one is: a folder, or `s3://<bucket>/<prefix>`. Every public entry point takes one. */
export type StoreLocation = string | CdnStore;

// One client per bucket URL, so repeated publishes share connections and the If-Match probe.
const opened = new Map<string, CdnStore>();

/**
 * The store at `location`: a store passes through; `s3://<bucket>[/<prefix>]` opens the bucket
 * with createS3Store, its endpoint, region and keys from the AWS SDK's usual variables
 * (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY;
 * path-style addressing whenever an endpoint is set, which S3-compatible servers need); anything
 * else is a folder (createFsStore). Throws PODMAP_ERR_CDN_STORE_URL for an s3:// URL without a
 * bucket or with a query, and for any other URL scheme.
 */
export function openStore(location: StoreLocation, env: NodeJS.ProcessEnv = process.env): CdnStore {
  if (typeof location !== 'string') return location;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return createFsStore(location);
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([^?#]*))?$/.exec(location);
  if (!match) throw new PodmapError('PODMAP_ERR_CDN_STORE_URL', location.slice(0, 200));
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  const cached = opened.get(`${match[1]}/${prefix}`);
  if (cached) return cached;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const client = new S3Client({
    endpoint,
    forcePathStyle: endpoint !== undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    // Keys in `env` win; without them the SDK looks where it always does (profiles, roles).
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
        : undefined,
    // Checksums only where S3 requires them: older gateways reject the newer checksum headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const store = createS3Store({ client, bucket: match[1]!, prefix });
  opened.set(`${match[1]}/${prefix}`, store);
  return store;
}
