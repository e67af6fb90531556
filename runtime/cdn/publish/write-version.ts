import { PodmapError } from '../../shared/errors.ts';
import type { BuiltVersion } from './build-version-metadata.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import type { CdnStore } from '../store/cdn-store.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { readVersionMetadata } from '../store/read-version-metadata.ts';
import { indexFormatKey } from '../store/store-paths.ts';
import { updateStoreIndex } from '../store/update-store-index.ts';
import { validatePackageName } from '../store/validate-package-name.ts';

/**
 * Writes a built version into the store, all or nothing (CdnStore.commitVersion: of concurrent
 * publishes of one version exactly one wins, the others get PODMAP_ERR_CDN_VERSION_EXISTS; a
 * crash leaves nothing visible), its files as published under `files/`, their precompressed
 * copies under `br/` and `gz/`, its metadata last. Then the store index (updateStoreIndex) catches
 * up: versions list, aliases and the package maps the version changes.
 */
export async function writeVersion(store: CdnStore, built: BuiltVersion, files: ReadonlyMap<string, Buffer>): Promise<void> {
  const { kind, name, version } = built.metadata;
  validatePackageName(name, kind);
  if (!('exact' in parseVersionRef(version))) throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', version);
  const upload = new Map<string, Buffer>();
  for (const [path, bytes] of files) {
    if (!isSafeRelativePath(path)) throw new PodmapError('PODMAP_ERR_BAD_PATH', path);
    upload.set(`files/${path}`, bytes);
    const copies = built.compressed.get(path);
    if (copies) {
      upload.set(`br/${path}`, copies.br);
      upload.set(`gz/${path}`, copies.gzip);
    }
  }
  try {
    await store.commitVersion({ kind, name, version, files: upload, metadata: JSON.stringify(built.metadata) });
  } catch (error) {
    // On object storage the loser may just have completed the winner's release for a winner that
    // died: index it, so the version it now holds is not left without aliases and maps.
    const existing =
      error instanceof PodmapError &&
      error.code === 'PODMAP_ERR_CDN_VERSION_EXISTS' &&
      (await readVersionMetadata(store, kind, name, version));
    if (existing) await updateStoreIndex(store, existing).catch(() => {});
    throw error;
  }
  try {
    await updateStoreIndex(store, built.metadata);
  } catch (error) {
    // Without its format file the index is rebuilt by the next publish or server start.
    await store.remove(indexFormatKey).catch(() => {});
    const detail = `${kind}/${name}@${version} is stored, but the store index was not updated`;
    throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', detail, { cause: error });
  }
}
