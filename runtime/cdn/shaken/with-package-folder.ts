import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import type { CdnStore } from '../store/cdn-store.ts';
import { versionFileKey, versionKey } from '../store/store-paths.ts';

/** Requests in flight at once: enough to hide a bucket's latency, few enough not to be throttled. */
const PARALLEL = 16;

/**
 * Runs `use` with a folder holding the stored npm version's files as published (`paths` of its
 * `files/` tree at their relative paths), since esbuild reads files from disk: a folder store's
 * own folder, read in place; for a store without one (a bucket), a temporary folder the files are
 * fetched into and that is removed when `use` settles. Throws PODMAP_ERR_BAD_PATH for a path that
 * would leave the folder and PODMAP_ERR_CDN_SHAKEN_FAILED for a listed file the store lacks.
 */
export async function withPackageFolder<T>(
  store: CdnStore,
  metadata: VersionMetadata,
  paths: readonly string[],
  use: (dir: string) => Promise<T>,
): Promise<T> {
  if (store.root !== undefined) return use(path.join(store.root, versionKey('npm', metadata.name, metadata.version), 'files'));
  // Metadata paths were checked at publish time; checked again since they become paths on this disk.
  const unsafe = paths.find((p) => !isSafeRelativePath(p));
  if (unsafe !== undefined) throw new PodmapError('PODMAP_ERR_BAD_PATH', unsafe.slice(0, 200));
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-shaken-'));
  try {
    for (let i = 0; i < paths.length; i += PARALLEL)
      await Promise.all(paths.slice(i, i + PARALLEL).map((p) => fetchFile(store, metadata, p, dir)));
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function fetchFile(store: CdnStore, metadata: VersionMetadata, file: string, dir: string): Promise<void> {
  const object = await store.read(versionFileKey('npm', metadata.name, metadata.version, 'files', file));
  if (!object)
    throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_FAILED', `${metadata.name}@${metadata.version}/${file} is listed but not in the store`);
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), object.body);
}
