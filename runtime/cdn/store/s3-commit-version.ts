import { createHash, randomUUID } from 'node:crypto';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnStore, VersionUpload } from './cdn-store.ts';
import { packReleaseBundle, unpackReleaseBundle } from './release-bundle.ts';
import { attemptStagingKey, claimKey, metadataKey, versionKey } from './store-paths.ts';

/** Adds a complete version to where its package's versions are listed; the last step of a commit. */
export type ListVersion = (kind: VersionUpload['kind'], name: string, version: string) => Promise<void>;

interface Claim {
  attempt: string;
  metadataSha256: string;
}

// Objects written at once: enough to hide round trips (a version of lit-html is ~1200 objects),
// few enough not to flood a gateway. 8 took about three times as long as 32 against radosgw on
// two cores.
const parallelWrites = 32;

/**
 * commitVersion on object storage, with conditional writes only (no lock server, no rename):
 *
 * 1. The whole release, meta.json included, is uploaded as one object (packReleaseBundle) below a
 *    staging prefix of its own (attemptStagingKey: a new random attempt every time), which
 *    nothing serves.
 * 2. The version is claimed by creating `claim.json` with If-None-Match: *, naming the attempt.
 *    Exactly one claim is ever created, so exactly one release can become the version, and the
 *    release it names is complete before anyone can see the claim.
 * 3. The claimed release is copied into the version's keys, meta.json last; then the version
 *    is listed (`listVersion`), which makes it visible; then the staging prefix is removed.
 *
 * Anyone can do step 3 for a claim, from its staging, and every copy writes the same bytes, so a
 * publisher that dies after claiming blocks nothing: the next publish of that version, or the
 * server's staging clean-up, completes the claimed release (rollForwardClaim). One that dies
 * before claiming leaves only staging objects, which no one lists and the clean-up removes.
 * A publisher that loses the claim completes the winner's release and throws
 * PODMAP_ERR_CDN_VERSION_EXISTS, unless its own release is byte for byte the claimed one (the
 * retry of a publish whose first attempt died after claiming): then it has what it asked for.
 */
export async function commitVersionByClaim(store: CdnStore, upload: VersionUpload, listVersion: ListVersion): Promise<void> {
  const { kind, name, version } = upload;
  const id = `${kind}/${name}@${version}`;
  if (await store.read(metadataKey(kind, name, version))) {
    await listVersion(kind, name, version);
    throw new PodmapError('PODMAP_ERR_CDN_VERSION_EXISTS', id);
  }
  const attempt = `${Date.now().toString(36)}-${randomUUID()}`;
  const staged = attemptStagingKey(kind, name, version, attempt);
  await store.createIfAbsent(`${staged}/release`, packReleaseBundle(new Map([...upload.files, ['meta.json', Buffer.from(upload.metadata)]])));
  const mine: Claim = { attempt, metadataSha256: sha256(upload.metadata) };
  if (!(await store.createIfAbsent(claimKey(kind, name, version), JSON.stringify(mine)))) {
    await store.removePrefix(staged);
    const claim = await readClaim(store, upload);
    await rollForwardClaim(store, upload, claim.attempt, listVersion);
    if (claim.metadataSha256 === mine.metadataSha256) return;
    throw new PodmapError('PODMAP_ERR_CDN_VERSION_EXISTS', id);
  }
  await writeAll(store, versionKey(kind, name, version), upload.files);
  await store.createIfAbsent(metadataKey(kind, name, version), upload.metadata);
  await listVersion(kind, name, version);
  await store.removePrefix(staged);
}

/**
 * Completes the version that `attempt` claimed from its staged upload: writes every object of the
 * staged release into the version, meta.json last, then lists it. Idempotent, and safe
 * to run by any number of processes at once, since they all copy the same bytes with
 * If-None-Match: *. Throws PODMAP_ERR_CDN_STORE_FAILED when the staged upload is gone before the
 * version was complete (something removed staging it should not have).
 */
export async function rollForwardClaim(
  store: CdnStore,
  id: { kind: VersionUpload['kind']; name: string; version: string },
  attempt: string,
  listVersion: ListVersion,
): Promise<void> {
  const { kind, name, version } = id;
  const staged = attemptStagingKey(kind, name, version, attempt);
  const isComplete = async () => (await store.read(metadataKey(kind, name, version))) !== null;
  if (!(await isComplete())) {
    // Missing when its publisher finished meanwhile and removed it: then the version is complete.
    const bundle = await store.read(`${staged}/release`);
    if (bundle) {
      const objects = unpackReleaseBundle(bundle.body);
      const meta = objects.get('meta.json')!;
      objects.delete('meta.json');
      await writeAll(store, versionKey(kind, name, version), objects);
      await store.createIfAbsent(metadataKey(kind, name, version), meta);
    }
    if (!(await isComplete())) {
      throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', `${kind}/${name}@${version} is claimed, but its staged upload is gone`);
    }
  }
  await listVersion(kind, name, version);
  await store.removePrefix(staged);
}

async function readClaim(store: CdnStore, { kind, name, version }: VersionUpload): Promise<Claim> {
  const stored = await store.read(claimKey(kind, name, version));
  if (!stored) throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', `the claim of ${kind}/${name}@${version} vanished`);
  return JSON.parse(stored.body.toString()) as Claim;
}

async function writeAll(store: CdnStore, prefix: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  const entries = [...files];
  for (let i = 0; i < entries.length; i += parallelWrites) {
    // A key that exists already holds these bytes: only this claim's release is ever written here.
    await Promise.all(entries.slice(i, i + parallelWrites).map(([key, bytes]) => store.createIfAbsent(`${prefix}/${key}`, bytes)));
  }
}


function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
