import path from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Imports of the package's own entry points, by its name ("preact" from "preact/hooks"), are
 * bundled into this build instead of left to the map: the map's entry for "preact" is this
 * build's too, so one instance either way, and what "preact/hooks" takes from "preact" is
 * shaken with the rest.
 */
export function ownEntryPoints(name: string, packageDir: string, sources: Record<string, string>): Plugin {
  const own = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:/.*)?$`);
  return {
    name: 'podmap-shaken-own-entries',
    setup(build) {
      build.onResolve({ filter: own }, (args) => {
        const subpath = args.path === name ? '.' : `.${args.path.slice(name.length)}`;
        const source = Object.hasOwn(sources, subpath) ? sources[subpath] : undefined;
        return source ? { path: path.join(packageDir, source) } : undefined;
      });
    },
  };
}
