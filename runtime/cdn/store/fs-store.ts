import { createHash, randomUUID } from 'node:crypto';
import { link, lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CdnStore, ListedKey, StoredObject } from './cdn-store.ts';
import { cleanStaleStaging } from './clean-stale-staging.ts';
import { commitVersionByRename } from './fs-commit-version.ts';
import { listStorePackages } from './list-store-packages.ts';
import { listVersions } from './list-versions.ts';
import { isAliasKey, stagingKey } from './store-paths.ts';
import { writeAtomically } from './write-atomically.ts';

/**
 * The file system store: a folder on one disk, laid out as store-paths.ts says, which nginx can
 * serve directly (generateNginxConfig). Versions are folders renamed into place
 * (commitVersionByRename); index files are replaced by rename, aliases are symbolic links. The
 * ETag of a file is a hash of its bytes. Its compare-and-swap reads, compares and renames, so two
 * writers of one index file can interleave between the compare and the rename: the index passes
 * (updateStoreIndex) repeat until the store holds still, which makes the last write of every
 * index file one computed from the final store. For many machines, use the S3 store.
 */
export function createFsStore(folder: string): CdnStore {
  const root = resolve(folder);
  const at = (key: string) => join(root, key);
  return {
    driver: 'fs',
    location: root,
    root,
    read: (key) => readKey(at(key), isAliasKey(key)),
    async createIfAbsent(key, body) {
      // Written aside, then hard-linked into place: link(2) fails if the name exists, and a
      // reader never sees the file half written.
      await mkdir(join(root, stagingKey), { recursive: true });
      const temp = join(root, stagingKey, `create-${process.pid}-${randomUUID()}`);
      await writeFile(temp, body);
      try {
        await mkdir(dirname(at(key)), { recursive: true });
        await link(temp, at(key));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      } finally {
        await rm(temp, { force: true });
      }
    },
    async replaceIf(key, body, etag) {
      const current = await readKey(at(key), isAliasKey(key));
      if ((current?.etag ?? null) !== etag) return false;
      await writeAtomically(root, at(key), body, isAliasKey(key));
      return true;
    },
    list: (prefix) => walk(root, prefix),
    remove: (key) => rm(at(key), { force: true }),
    removePrefix: (prefix) => rm(at(prefix), { recursive: true, force: true }),
    listVersions: (kind, name) => listVersions(root, kind, name),
    listPackages: () => listStorePackages(root),
    fingerprint: async () => JSON.stringify(await listStorePackages(root)),
    commitVersion: (upload) => commitVersionByRename(root, upload),
    // A version folder is listed the moment it is renamed into place: nothing to recover.
    recoverVersions: async () => {},
    cleanStaging: (olderThanMs) => cleanStaleStaging(root, olderThanMs),
  };
}

async function readKey(path: string, isLink: boolean): Promise<StoredObject | null> {
  try {
    const body = isLink ? Buffer.from(await readlink(path)) : await readFile(path);
    return { body, etag: `"${createHash('md5').update(body).digest('hex')}"` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EINVAL') return null;
    throw error;
  }
}

async function walk(root: string, prefix: string): Promise<ListedKey[]> {
  const found: ListedKey[] = [];
  let names: string[];
  try {
    names = await readdir(join(root, prefix));
  } catch {
    return found;
  }
  for (const name of names.sort()) {
    const key = `${prefix}/${name}`;
    const info = await lstat(join(root, key)).catch(() => null);
    if (!info) continue;
    if (info.isDirectory()) found.push(...(await walk(root, key)));
    else found.push({ key, modifiedMs: info.mtimeMs });
  }
  return found;
}
