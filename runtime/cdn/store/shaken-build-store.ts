import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileEntry } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import type { ImportedNames } from '../../shared/read-imported-names.ts';
import { stagingKey, versionKey } from './store-paths.ts';
import { writeAtomically } from './write-atomically.ts';

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
// Shaken builds live in a folder store only (docs/shaken-builds.md): paths are the store's keys under its folder.
const versionDir = (storeDir: string, name: string, version: string) => join(storeDir, versionKey('npm', name, version));
// Stored builds never change: their records are kept, bounded as the package metadata cache is not (ids are many).
const cache = new Map<string, StoredShakenBuild>();
const MAX_CACHED = 2_000;

/** The record of a stored shaken build, or null when the store does not hold it (never built, or still being written). */
export async function readShakenBuild(storeDir: string, name: string, version: string, id: string): Promise<StoredShakenBuild | null> {
  if (!ID.test(id)) return null;
  const file = join(versionDir(storeDir, name, version), 'shaken', `${id}.json`);
  const hit = cache.get(file);
  if (hit) return hit;
  try {
    const build = JSON.parse(await readFile(file, 'utf8')) as StoredShakenBuild;
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(file, build);
    return build;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes a shaken build into its version folder: its files under `+/~shaken/<id>/` in the
 * `files/`, `br/` and `gz/` trees (so nginx serves them as it serves any file of the version)
 * and, last, its record in `shaken/<id>.json`, which is what readers look for: a build is there
 * whole or not at all. Each tree's folder is staged and renamed into place; a folder that is
 * already there (another process built the same id: same bytes) is left as it is. Throws
 * PODMAP_ERR_CDN_SHAKEN_LIMIT when the version already holds `maxVariants` builds, and
 * PODMAP_ERR_CDN_VERSION_UNKNOWN when the version is not in the store.
 */
export async function writeShakenBuild(
  storeDir: string,
  build: StoredShakenBuild,
  contents: ReadonlyMap<string, ShakenFileContents>,
  maxVariants: number,
): Promise<void> {
  if (!ID.test(build.id)) throw new PodmapError('PODMAP_ERR_BAD_PATH', `shaken build id ${build.id.slice(0, 80)}`);
  const root = versionDir(storeDir, build.name, build.version);
  const records = await readdir(join(root, 'shaken')).catch((error: NodeJS.ErrnoException): string[] => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (records.includes(`${build.id}.json`)) return;
  if (records.filter((f) => f.endsWith('.json')).length >= maxVariants) {
    throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_LIMIT', `${build.name}@${build.version} holds ${maxVariants} shaken builds`);
  }
  if ((await readFile(join(root, 'meta.json')).catch(() => null)) === null) {
    throw new PodmapError('PODMAP_ERR_CDN_VERSION_UNKNOWN', `${build.name}@${build.version}`);
  }
  await mkdir(join(storeDir, stagingKey), { recursive: true });
  const staging = await mkdtemp(join(storeDir, stagingKey, 'shaken-'));
  try {
    const folder = `${SHAKEN_DIR}/${build.id}`;
    for (const [path, file] of contents) {
      if (!path.startsWith(`${folder}/`) || !isSafeRelativePath(path)) throw new PodmapError('PODMAP_ERR_BAD_PATH', path);
      await writeInto(staging, 'files', path, file.bytes);
      if (file.copies) {
        await writeInto(staging, 'br', path, file.copies.br);
        await writeInto(staging, 'gz', path, file.copies.gzip);
      }
    }
    // Compressed copies first: a file is never served as present in files/ while its copies are missing.
    for (const tree of ['br', 'gz', 'files']) await moveInto(join(staging, tree, folder), join(root, tree, folder));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await writeAtomically(storeDir, join(root, 'shaken', `${build.id}.json`), JSON.stringify(build));
}

async function writeInto(staging: string, tree: string, path: string, bytes: Buffer): Promise<void> {
  const file = join(staging, tree, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
}

/** Renames a staged folder into place; nothing to do when it was not staged or is already there. */
async function moveInto(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}
