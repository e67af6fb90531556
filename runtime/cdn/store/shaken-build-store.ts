import type { FileEntry } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import type { ImportedNames } from '../../shared/read-imported-names.ts';
import type { CdnStore } from './cdn-store.ts';
import { metadataKey, versionFileKey, versionKey } from './store-paths.ts';

/** Where a shaken build's files are, inside its version folder's trees: `+/~shaken/<id>/`. */
export const SHAKEN_DIR = '+/~shaken';

/** A shaken build of one npm package version, as the store keeps it (docs/shaken-builds.md). */
export interface StoredShakenBuild {
  /** The content address: a hash of the version, its sorted names and the build engine version. */
  id: string;
  name: string;
  version: string;
  /** File of the full build (relative to the version root) → the shaken file that replaces it. */
  replaces: Record<string, string>;
  /** Every file of the build, by its path relative to the version root. */
  files: Record<string, FileEntry>;
  /** What the build's files import from other packages, by bare specifier: they count toward those packages' builds. */
  imports: Record<string, ImportedNames>;
}

/** A file to write: its bytes and, when compression pays, its brotli and gzip copies. */
export interface ShakenFileContents {
  bytes: Buffer;
  copies?: { br: Buffer; gzip: Buffer };
}

const ID = /^[0-9a-f]{16,64}$/;
// Records are keys below their version, on every driver: `<version>/shaken/<id>.json`.
const recordsKey = (name: string, version: string) => `${versionKey('npm', name, version)}/shaken`;
// Stored builds never change: their records are kept, bounded as the package metadata cache is not (ids are many).
const cache = new Map<string, StoredShakenBuild>();
const MAX_CACHED = 2_000;

/** The record of a stored shaken build, or null when the store does not hold it (never built, or still being written). */
export async function readShakenBuild(store: CdnStore, name: string, version: string, id: string): Promise<StoredShakenBuild | null> {
  if (!ID.test(id)) return null;
  const key = `${recordsKey(name, version)}/${id}.json`;
  // The store's location tells stores apart: one process may serve a folder and a bucket.
  const cacheKey = `${store.location}\n${key}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const object = await store.read(key);
  if (!object) return null;
  const build = JSON.parse(object.body.toString('utf8')) as StoredShakenBuild;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, build);
  return build;
}

/**
 * Writes a shaken build into its version through the store's interface, on any driver: its files
 * under `+/~shaken/<id>/` in the `files/`, `br/` and `gz/` trees (so nginx or the CDN serves them
 * as any file of the version) and, last, its record in `shaken/<id>.json`, which is what readers
 * look for: a build is there whole or not at all. Every key is created only if absent: one that
 * exists was written by another process building the same id (same bytes, content-addressed), and
 * a writer that died halfway leaves unreferenced files that a retry completes. Throws
 * PODMAP_ERR_CDN_SHAKEN_LIMIT when the version already holds `maxVariants` builds,
 * PODMAP_ERR_CDN_VERSION_UNKNOWN when the version is not in the store, and PODMAP_ERR_BAD_PATH
 * for an id or a file path outside the build's folder.
 */
export async function writeShakenBuild(
  store: CdnStore,
  build: StoredShakenBuild,
  contents: ReadonlyMap<string, ShakenFileContents>,
  maxVariants: number,
): Promise<void> {
  if (!ID.test(build.id)) throw new PodmapError('PODMAP_ERR_BAD_PATH', `shaken build id ${build.id.slice(0, 80)}`);
  const { name, version } = build;
  const folder = `${SHAKEN_DIR}/${build.id}`;
  for (const path of contents.keys()) {
    if (!path.startsWith(`${folder}/`) || !isSafeRelativePath(path)) throw new PodmapError('PODMAP_ERR_BAD_PATH', path);
  }
  const prefix = recordsKey(name, version);
  const records = (await store.list(prefix)).map((entry) => entry.key.slice(prefix.length + 1)).filter((key) => key.endsWith('.json'));
  if (records.includes(`${build.id}.json`)) return;
  if (records.length >= maxVariants) throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_LIMIT', `${name}@${version} holds ${maxVariants} shaken builds`);
  if ((await store.read(metadataKey('npm', name, version))) === null) throw new PodmapError('PODMAP_ERR_CDN_VERSION_UNKNOWN', `${name}@${version}`);
  const put = (tree: 'files' | 'br' | 'gz', path: string, bytes: Buffer) => store.createIfAbsent(versionFileKey('npm', name, version, tree, path), bytes);
  for (const [path, file] of contents) {
    // Compressed copies first: a file is never served as present in files/ while its copies are missing.
    if (file.copies) await Promise.all([put('br', path, file.copies.br), put('gz', path, file.copies.gzip)]);
    await put('files', path, file.bytes);
  }
  await store.createIfAbsent(`${prefix}/${build.id}.json`, JSON.stringify(build));
}
