import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stagingKey } from './store-paths.ts';

/**
 * How long a staging entry must have been left alone before it counts as a crash's leftover.
 * A publish writes into its staging folder continuously, and even a large one finishes in
 * minutes, so 10 minutes without a change never catches a live publish.
 */
export const staleStagingMs = 10 * 60 * 1000;

/**
 * Removes what crashed publishes and index updates left in `<store>/.staging/`: every entry in
 * which nothing (the entry itself, or anything below it) changed for `olderThanMs`. Entries of
 * a publisher running now, in this process or another, are younger and stay. Returns the names
 * removed; a missing staging folder is nothing to clean.
 */
export async function cleanStaleStaging(storeDir: string, olderThanMs = staleStagingMs, now = Date.now()): Promise<string[]> {
  const dir = join(storeDir, stagingKey);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (await changedSince(join(dir, name), now - olderThanMs)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Whether `path` or anything below it was modified after `cutoff`; stops at the first that was. */
async function changedSince(path: string, cutoff: number): Promise<boolean> {
  try {
    const info = await lstat(path);
    if (info.mtimeMs > cutoff) return true;
    if (!info.isDirectory()) return false;
    for (const name of await readdir(path)) {
      if (await changedSince(join(path, name), cutoff)) return true;
    }
    return false;
  } catch {
    return true; // gone already, or unreadable: leave it to its owner
  }
}
