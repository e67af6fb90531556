import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { integrityOf } from './integrity-of.ts';
import { walkFiles } from './walk-files.ts';

/**
 * The integrity (`sha384-…`) of every file below `dir` that walkFiles() sees, by relative path.
 * A podlet compares it with its release's CDN metadata, which was built over the same walk, so a
 * stray `node_modules` or dotfile in public/ can never make a false mismatch.
 */
export async function hashFiles(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of await walkFiles(dir)) hashes[file] = integrityOf(await readFile(join(dir, file)));
  return hashes;
}
