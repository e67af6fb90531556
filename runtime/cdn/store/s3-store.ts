import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { packageKinds } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnStore, StorePackage } from './cdn-store.ts';
import { createS3Objects, type S3Objects } from './s3-objects.ts';
import { commitVersionByClaim } from './s3-commit-version.ts';
import { addToVersionsList, cleanS3Staging, recoverListedVersions } from './s3-versions-list.ts';
import { stagingKey, versionsListPrefix } from './store-paths.ts';

/** Settings of createS3Store. */
export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Put before every key, without slashes at either end; "" for the bucket's root. */
  prefix?: string;
  /**
   * How If-Match carries an ETag: "quoted" as S3 returns it (AWS), "unquoted" for gateways that
   * compare it without the quotes (Ceph radosgw 16.2, which also answers a lost If-Match race
   * with 500). Found out with a probe object on the first compare-and-swap when not given.
   */
  ifMatch?: 'quoted' | 'unquoted';
}

/**
 * The store on S3-compatible object storage: one bucket (under a prefix), laid out as
 * store-paths.ts says, so that any number of CDN servers and publishers can share it. Versions
 * are committed by claim (commitVersionByClaim), versions lists and index files by
 * compare-and-swap on ETags (If-None-Match: * to create, If-Match to replace), and nothing needs
 * a lock. Needs an endpoint with conditional writes and strong read-after-write consistency (AWS
 * S3 since 2024, Ceph radosgw, MinIO). Objects under a version carry their Content-Type,
 * Cache-Control and Content-Encoding, so a CDN or nginx can serve the bucket directly.
 * Unreachable endpoints and refused credentials throw PODMAP_ERR_CDN_STORE_UNREACHABLE.
 */
export function createS3Store(options: S3StoreOptions): CdnStore {
  const { client, bucket } = options;
  const prefix = options.prefix ? `${options.prefix}/` : '';
  let ifMatch: Promise<'quoted' | 'unquoted'> | undefined = options.ifMatch && Promise.resolve(options.ifMatch);
  // A 500 on a conditional write before any compare-and-swap (a version's claim) probes too.
  const objects: S3Objects = createS3Objects(client, bucket, prefix, async () => (await (ifMatch ??= probeIfMatch(objects))) === 'unquoted');
  const store: CdnStore = {
    driver: 's3',
    location: `s3://${bucket}/${options.prefix ?? ''}`,
    read: (key) => objects.get(key),
    async createIfAbsent(key, body) {
      // 409: a concurrent conditional write to the key was in flight (AWS); ask again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const failure = await objects.put(key, body, { IfNoneMatch: '*' });
        if (failure !== 'conflict') return failure === null;
      }
      throw new PodmapError('PODMAP_ERR_CDN_STORE_CONFLICT', key);
    },
    async replaceIf(key, body, etag) {
      if (etag !== null) ifMatch ??= probeIfMatch(objects);
      const condition = etag === null ? { IfNoneMatch: '*' } : { IfMatch: (await ifMatch) === 'unquoted' ? etag.replace(/"/g, '') : etag };
      return (await objects.put(key, body, condition)) === null;
    },
    list: (folder) => objects.list(folder),
    remove: (key) => objects.remove(key),
    removePrefix: async (folder) => objects.removeMany((await objects.list(folder)).map((entry) => entry.key)),
    async listVersions(kind, name) {
      const stored = await store.read(`${versionsListPrefix}${kind}/${name}.json`);
      return stored ? (JSON.parse(stored.body.toString()) as { versions: string[] }).versions : [];
    },
    async listPackages() {
      const found: StorePackage[] = [];
      for (const { key } of await store.list(versionsListPrefix.slice(0, -1))) {
        const [kind, ...rest] = key.slice(versionsListPrefix.length).replace(/\.json$/, '').split('/');
        const known = packageKinds.find((k) => k === kind);
        if (known) found.push({ kind: known, name: rest.join('/'), versions: await store.listVersions(known, rest.join('/')) });
      }
      return found;
    },
    fingerprint: async () => (await store.list(versionsListPrefix.slice(0, -1))).map(({ key, etag }) => `${key} ${etag}`).join('\n'),
    commitVersion: (upload) => commitVersionByClaim(store, upload, (kind, name, version) => addToVersionsList(store, kind, name, [version])),
    recoverVersions: () => recoverListedVersions(store),
    cleanStaging: (olderThanMs) => cleanS3Staging(store, olderThanMs),
  };
  return store;
}

/**
 * Finds out how the endpoint compares If-Match: with a probe object, replaced once with the
 * quoted ETag; a 412 although nothing changed means the endpoint wants it unquoted.
 */
async function probeIfMatch(objects: S3Objects): Promise<'quoted' | 'unquoted'> {
  const key = `${stagingKey}/probe-${randomUUID()}`;
  await objects.put(key, 'probe', {});
  const { etag } = (await objects.get(key))!;
  const quoted = await objects.put(key, 'probe', { IfMatch: etag });
  await objects.remove(key);
  return quoted === null ? 'quoted' : 'unquoted';
}

