import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { IMMUTABLE_CACHE_CONTROL } from '../../shared/cdn-protocol/cdn-urls.ts';
import { PodmapError } from '../../shared/errors.ts';
import { contentTypeFor } from '../../shared/http/content-type-for.ts';
import type { ListedKey, StoredObject } from './cdn-store.ts';

/** Why a conditional write did not happen: the key was missing, its condition failed, or a concurrent write collided (409). */
export type WriteFailure = 'absent' | 'condition' | 'conflict';

/** The S3 requests the store makes, on keys below the store's prefix. */
export interface S3Objects {
  get(key: string): Promise<StoredObject | null>;
  /** PutObject with its condition; null when written, else why not. */
  put(key: string, body: Buffer | string, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<WriteFailure | null>;
  list(folder: string): Promise<ListedKey[]>;
  remove(key: string): Promise<void>;
  /** Removes keys up to 1000 per request (DeleteObjects). */
  removeMany(keys: string[]): Promise<void>;
}

/**
 * The plain S3 requests of createS3Store, with their failures sorted out: a missing key is null,
 * a failed condition is a WriteFailure, an endpoint that does not answer or refuses the keys is
 * PODMAP_ERR_CDN_STORE_UNREACHABLE, anything else PODMAP_ERR_CDN_STORE_FAILED. `lostRaceIs500`
 * tells whether a 500 on a conditional PutObject (If-Match or If-None-Match) is a lost race
 * (radosgw 16.2) rather than a server error.
 */
export function createS3Objects(client: S3Client, bucket: string, prefix: string, lostRaceIs500: () => Promise<boolean>): S3Objects {
  return {
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
        return { body: Buffer.from(await answer.Body!.transformToByteArray()), etag: answer.ETag ?? '' };
      } catch (error) {
        if (classify(error, false) === 'absent') return null;
        throw error;
      }
    },
    async put(key, body, condition) {
      try {
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        const input = { Bucket: bucket, Key: prefix + key, Body: bytes, ContentLength: bytes.length, ...headersFor(key), ...condition };
        await client.send(new PutObjectCommand(input));
        return null;
      } catch (error) {
        // Only a 500 asks how the endpoint reports a lost race: the If-Match probe itself gets 412s.
        // radosgw answers a lost If-None-Match race with 500 too: twenty publishers creating one
        // package's first index file (or one version's claim) got 500s where 412 was meant.
        const is500 = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 500;
        const conditional = condition.IfMatch !== undefined || condition.IfNoneMatch !== undefined;
        return classify(error, is500 && conditional && (await lostRaceIs500()));
      }
    },
    list: (folder) => listKeys(client, bucket, prefix, folder),
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key })).catch(rethrow);
    },
    async removeMany(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const Objects = keys.slice(i, i + 1000).map((key) => ({ Key: prefix + key }));
        const answer = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } })).catch(rethrow);
        if (answer.Errors?.length) throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', `removing ${answer.Errors[0]!.Key}: ${answer.Errors[0]!.Code}`);
      }
    },
  };
}

/** Headers stored with an object: what a server fronting the bucket sends for a version's file. */
function headersFor(key: string): Partial<PutObjectCommandInput> {
  const tree = /^(?:npm|podlet)\/(?:@[^/]+\/)?[^/]+@[^/]+\/(files|br|gz)\//.exec(key)?.[1];
  if (!tree) return { ContentType: key.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream' };
  const encoding = tree === 'br' ? 'br' : tree === 'gz' ? 'gzip' : undefined;
  return { ContentType: contentTypeFor(key), CacheControl: IMMUTABLE_CACHE_CONTROL, ...(encoding && { ContentEncoding: encoding }) };
}

async function listKeys(client: S3Client, bucket: string, prefix: string, folder: string): Promise<ListedKey[]> {
  const found: ListedKey[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${folder}/`, ContinuationToken: token }))
      .catch(rethrow);
    for (const item of page.Contents ?? []) {
      found.push({ key: item.Key!.slice(prefix.length), modifiedMs: item.LastModified?.getTime() ?? 0, etag: item.ETag });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** What a failed request means to the store; throws for failures that are not about a condition. */
function classify(error: unknown, lostRaceIs500: boolean): WriteFailure {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) return 'absent';
  if (status === 412) return 'condition';
  if (status === 409) return 'conflict';
  // radosgw 16.2 maps a lost If-Match race (ECANCELED) to 500 without applying the write.
  if (status === 500 && lostRaceIs500) return 'condition';
  return rethrow(error);
}

function rethrow(error: unknown): never {
  const { name, message, $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (status === undefined || status === 403 || name === 'NoSuchBucket') {
    throw new PodmapError('PODMAP_ERR_CDN_STORE_UNREACHABLE', `${name ?? 'error'}: ${message ?? ''}`.slice(0, 300), { cause: error });
  }
  throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', `${status} ${name ?? ''}: ${message ?? ''}`.slice(0, 300), { cause: error });
}
