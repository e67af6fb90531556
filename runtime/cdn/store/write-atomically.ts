import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stagingDir } from './store-paths.ts';

/**
 * Makes `path` (inside the store) hold `text`: written to a temporary file in the store's staging
 * folder and renamed over `path`, so readers (nginx, other processes) see the old or the new
 * content, never part of it. A file that already holds `text` is left alone: its mtime, and with
 * it nginx's ETag, only changes when its content does.
 */
export async function writeAtomically(storeDir: string, path: string, text: string): Promise<void> {
  if ((await readFile(path, 'utf8').catch(() => null)) === text) return;
  await replaceWith(storeDir, path, (temp) => writeFile(temp, text));
}

/**
 * Makes `path` (inside the store) a symbolic link to `target`, replacing an existing link in one
 * rename, so a reader following it finds the old or the new target, never no link at all.
 */
export async function linkAtomically(storeDir: string, path: string, target: string): Promise<void> {
  if ((await readlink(path).catch(() => null)) === target) return;
  await replaceWith(storeDir, path, (temp) => symlink(target, temp));
}

async function replaceWith(storeDir: string, path: string, create: (temp: string) => Promise<void>): Promise<void> {
  // Staging is inside the store, so the rename stays on one file system and is atomic.
  await mkdir(stagingDir(storeDir), { recursive: true });
  const temp = join(stagingDir(storeDir), `index-${process.pid}-${randomUUID()}`);
  try {
    await create(temp);
    await mkdir(dirname(path), { recursive: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
