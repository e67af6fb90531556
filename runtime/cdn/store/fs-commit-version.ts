import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PodmapError } from '../../shared/errors.ts';
import type { VersionUpload } from './cdn-store.ts';
import { packageParentKey, stagingKey, versionKey } from './store-paths.ts';

/**
 * The file system store's commitVersion: everything goes into a staging folder inside the store,
 * which is then renamed into place. rename(2) of a folder onto an existing, non-empty folder
 * fails, so of two concurrent commits of one version exactly one wins and the other gets
 * PODMAP_ERR_CDN_VERSION_EXISTS; a crash leaves only a staging folder (cleanStaleStaging), never
 * a partial version. Readers see the version folder complete or not at all.
 */
export async function commitVersionByRename(storeDir: string, upload: VersionUpload): Promise<void> {
  const { kind, name, version } = upload;
  const target = join(storeDir, versionKey(kind, name, version));
  if (await exists(target)) throw new PodmapError('PODMAP_ERR_CDN_VERSION_EXISTS', `${kind}/${name}@${version}`);
  await mkdir(join(storeDir, stagingKey), { recursive: true });
  const staging = await mkdtemp(join(storeDir, stagingKey, 'publish-'));
  try {
    // mkdtemp makes a 0700 folder; a store must stay readable by a web server running as
    // another user (nginx workers), like the rest of the tree.
    await chmod(staging, 0o755);
    for (const [key, bytes] of upload.files) {
      await mkdir(dirname(join(staging, key)), { recursive: true });
      await writeFile(join(staging, key), bytes);
    }
    await writeFile(join(staging, 'meta.json'), upload.metadata);
    await mkdir(join(storeDir, packageParentKey(kind, name)), { recursive: true });
    try {
      await rename(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new PodmapError('PODMAP_ERR_CDN_VERSION_EXISTS', `${kind}/${name}@${version}`);
      throw error;
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
