import { realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The real folder of the package `name` as Node would find it from `fromDir`: the first
 * `node_modules/<name>/package.json` walking up from `fromDir`. Symlinks (workspace packages)
 * resolve to their real folder, whose own dependencies are then found from there. Walks folders
 * instead of calling require.resolve because packages such as lit do not export
 * "./package.json". Null when no folder has it.
 */
export async function findInstalledPackage(name: string, fromDir: string): Promise<string | null> {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (await isFile(join(candidate, 'package.json'))) return realpath(candidate);
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
