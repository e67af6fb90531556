import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PodmapError } from '../../shared/errors.ts';
import type { BuiltVersion } from './build-version-metadata.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { indexFormatFile, packageParentDir, stagingDir, versionDir } from '../store/store-paths.ts';
import { updateStoreIndex } from '../store/update-store-index.ts';
import { validatePackageName } from '../store/validate-package-name.ts';

/**
 * Writes a built version into the store, all or nothing: everything goes into a staging folder
 * inside the store, which is then renamed into place. rename(2) of a folder onto an existing,
 * non-empty folder fails, so of two concurrent publishes of one version exactly one wins and the
 * other gets PODMAP_ERR_CDN_VERSION_EXISTS; a crash leaves only a staging folder, never a
 * partial version. Readers see the version folder complete or not at all. Then the store index
 * (updateStoreIndex) catches up: versions list, aliases and the package maps the version changes.
 */
export async function writeVersion(storeDir: string, built: BuiltVersion, files: ReadonlyMap<string, Buffer>): Promise<void> {
  const { kind, name, version } = built.metadata;
  validatePackageName(name, kind);
  if (!('exact' in parseVersionRef(version))) throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', version);
  const target = versionDir(storeDir, kind, name, version);
  if (await exists(target)) throw new PodmapError('PODMAP_ERR_CDN_VERSION_EXISTS', `${kind}/${name}@${version}`);

  await mkdir(stagingDir(storeDir), { recursive: true });
  const staging = await mkdtemp(join(stagingDir(storeDir), 'publish-'));
  try {
    // mkdtemp makes a 0700 folder; a store must stay readable by a web server running as
    // another user (nginx workers), like the rest of the tree.
    await chmod(staging, 0o755);
    for (const [path, bytes] of files) {
      if (!isSafeRelativePath(path)) throw new PodmapError('PODMAP_ERR_BAD_PATH', path);
      await writeInto(staging, 'files', path, bytes);
      const copies = built.compressed.get(path);
      if (copies) {
        await writeInto(staging, 'br', path, copies.br);
        await writeInto(staging, 'gz', path, copies.gzip);
      }
    }
    await writeFile(join(staging, 'meta.json'), JSON.stringify(built.metadata));
    await mkdir(packageParentDir(storeDir, kind, name), { recursive: true });
    try {
      await rename(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new PodmapError('PODMAP_ERR_CDN_VERSION_EXISTS', `${kind}/${name}@${version}`);
      }
      throw error;
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  try {
    await updateStoreIndex(storeDir, built.metadata);
  } catch (error) {
    // Without its format file the index is rebuilt by the next publish or server start.
    await rm(indexFormatFile(storeDir), { force: true });
    const detail = `${kind}/${name}@${version} is stored, but the store index was not updated`;
    throw new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', detail, { cause: error });
  }
}

async function writeInto(root: string, tree: string, path: string, bytes: Buffer): Promise<void> {
  const file = join(root, tree, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
