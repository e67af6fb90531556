import semver from 'semver';
import { packageKinds, type PackageKind } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnStore } from './cdn-store.ts';
import { formatVersionsBody } from './read-package-index.ts';
import { rollForwardClaim } from './s3-commit-version.ts';
import { claimKey, metadataKey, stagingKey, storeIndexKey } from './store-paths.ts';

// Twenty publishers of one package at once each lose a few rounds; far more than that means
// something keeps writing the list, and the publish reports it rather than spinning.
const maxAttempts = 64;

/**
 * Adds `versions` to the package's versions list on object storage, where listVersions reads
 * them: read the list and its ETag, merge, compare-and-swap; a lost swap re-reads the list (with
 * what the other writer added) and merges again. Versions are never removed, so merging is
 * always right. Throws PODMAP_ERR_CDN_STORE_CONFLICT after `maxAttempts` lost swaps.
 */
export async function addToVersionsList(store: CdnStore, kind: PackageKind, name: string, versions: string[]): Promise<void> {
  const key = storeIndexKey('versions', kind, name);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = await store.read(key);
    const listed = current ? (JSON.parse(current.body.toString()) as { versions: string[] }).versions : [];
    if (versions.every((version) => listed.includes(version))) return;
    const merged = [...new Set([...listed, ...versions])].sort(semver.compare);
    if (await store.replaceIf(key, formatVersionsBody(name, merged), current?.etag ?? null)) return;
    // Spread the retries of many losers over a few milliseconds, so they do not collide again.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
  }
  throw new PodmapError('PODMAP_ERR_CDN_STORE_CONFLICT', key);
}

/**
 * Lists every complete version (one with meta.json) that its package's list lacks: the repair
 * for a publisher that died between meta.json and its list entry. Lists every key of the
 * versions, so it costs one request per 1000 stored objects; reindexStore calls it.
 */
export async function recoverListedVersions(store: CdnStore): Promise<void> {
  for (const kind of packageKinds) {
    const found = new Map<string, string[]>();
    for (const { key } of await store.list(kind)) {
      const id = parseVersionKey(key, kind, 'meta.json');
      if (id && metadataKey(kind, id.name, id.version) === key) found.set(id.name, [...(found.get(id.name) ?? []), id.version]);
    }
    for (const [name, versions] of found) await addToVersionsList(store, kind, name, versions);
  }
}

/**
 * Removes staged uploads on object storage in which nothing changed for `olderThanMs`: a publisher
 * that died before claiming its version left them. An upload that a claim names belongs to a
 * version whose publisher died after claiming: it is completed (rollForwardClaim), not removed.
 * Returns the staging prefixes it handled.
 */
export async function cleanS3Staging(store: CdnStore, olderThanMs: number, now = Date.now()): Promise<string[]> {
  const attempts = new Map<string, number>();
  for (const { key, modifiedMs } of await store.list(stagingKey)) {
    const attempt = attemptPrefix(key);
    if (attempt) attempts.set(attempt, Math.max(attempts.get(attempt) ?? 0, modifiedMs));
  }
  const handled: string[] = [];
  for (const [prefix, newest] of attempts) {
    if (newest > now - olderThanMs) continue;
    const [kind, rest] = [prefix.split('/')[1] as PackageKind, prefix.slice(prefix.indexOf('/', stagingKey.length + 1) + 1)];
    const id = parseVersionKey(rest, kind, '');
    const claim = id ? await store.read(claimKey(kind, id.name, id.version)) : null;
    const attempt = prefix.slice(prefix.lastIndexOf('/') + 1);
    if (id && claim && (JSON.parse(claim.body.toString()) as { attempt: string }).attempt === attempt) {
      await rollForwardClaim(store, { kind, ...id }, attempt, (k, n, v) => addToVersionsList(store, k, n, [v]));
    } else {
      await store.removePrefix(prefix);
    }
    handled.push(prefix);
  }
  return handled;
}

/** `.staging/<kind>/[@scope/]<name>@<version>/<attempt>` of a staged key; null for anything else. */
function attemptPrefix(key: string): string | null {
  const parts = key.split('/');
  const depth = parts[2]?.startsWith('@') ? 5 : 4;
  return parts.length > depth ? parts.slice(0, depth).join('/') : null;
}

/** Name and version from `[@scope/]<name>@<version>/<leaf>` (`rest` without the kind); null when it is not one. */
function parseVersionKey(key: string, kind: PackageKind, leaf: string): { name: string; version: string } | null {
  const rest = key.startsWith(`${kind}/`) ? key.slice(kind.length + 1) : key;
  const parts = rest.split('/');
  const scoped = parts[0]?.startsWith('@') ?? false;
  const folder = parts[scoped ? 1 : 0] ?? '';
  const at = folder.indexOf('@', scoped ? 0 : 1);
  if (at <= 0) return null;
  if (leaf && parts.slice(scoped ? 2 : 1).join('/') !== leaf) return null;
  const name = scoped ? `${parts[0]}/${folder.slice(0, at)}` : folder.slice(0, at);
  const version = folder.slice(at + 1);
  return semver.valid(version) === version ? { name, version } : null;
}
