import { realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The real folder of the package `name` as Node would find it from `fromDir`: the first
 * `node_modules/<name>/package.json` walking up from `fromDir`. Symlinks (workspace packages)
 * resolve to their real folder, whose own dependencies are then found from there. Walks folders
 * instead of calling require.resolve because packages such as lit do not export
 * "./package.json". Null when no folder has it. The one lookup for the CDN's publishing of
 * installed packages, `podmap dev`'s import map and `podmap publish-package --with-dependencies`.
 */
export function findInstalledPackage(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (statSync(join(candidate, 'package.json'), { throwIfNoEntry: false })?.isFile()) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}
