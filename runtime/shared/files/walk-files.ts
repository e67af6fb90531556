import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every plain file below `dir` as a sorted list of "/"-separated relative paths. Dotfiles,
 * dot-folders and `node_modules` are skipped, and symlinks are not followed, so a walk never
 * leaves `dir`. The one walker for package folders, podlet `public/` folders (scanning, hashing
 * and publishing a release must all see the same files) and anything else podmap reads whole.
 * A missing `dir` is an empty list.
 */
export async function walkFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(dir, prefix), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return [];
    throw error;
  }
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await walkFiles(dir, path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
