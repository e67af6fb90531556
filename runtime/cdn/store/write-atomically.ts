import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stagingKey } from './store-paths.ts';

/**
 * Makes `path` (inside the store folder `storeDir`) hold `body`, or, with `link`, a symbolic link
 * to `body`'s text: created under a temporary name in the store's staging folder and renamed over
 * `path`, so readers (nginx, other processes) see the old or the new content, never part of it,
 * and a link is never missing while it is replaced.
 */
export async function writeAtomically(storeDir: string, path: string, body: Buffer | string, link = false): Promise<void> {
  // Staging is inside the store, so the rename stays on one file system and is atomic.
  const staging = join(storeDir, stagingKey);
  await mkdir(staging, { recursive: true });
  const temp = join(staging, `index-${process.pid}-${randomUUID()}`);
  try {
    await (link ? symlink(body.toString(), temp) : writeFile(temp, body));
    await mkdir(dirname(path), { recursive: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
