import { readFile } from 'node:fs/promises';
import { parse } from 'es-module-lexer';
import type { Plugin } from 'esbuild';

/**
 * An esbuild plugin that removes `export * from '<package>'` for the packages a shaken build's
 * entries now take their names from directly (splitStarNames), in the files of their chains
 * (`inFiles`, absolute paths) and no other: left in, esbuild would keep the
 * star as a namespace import of that package, which takes all of it. A module of the package
 * that still reads a name through the removed star fails the build ("No matching export"), and
 * the site keeps the full build; nothing fails in the browser. es-module-lexer must be initialised.
 */
export function dropForwardedStars(specifiers: ReadonlySet<string>, inFiles: ReadonlySet<string>): Plugin {
  return {
    name: 'podmap-shaken-drop-forwarded-stars',
    setup(build) {
      if (specifiers.size === 0) return;
      build.onLoad({ filter: /\.m?js$/, namespace: 'file' }, async (args) => {
        if (!inFiles.has(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        let imports;
        try {
          [imports] = parse(source);
        } catch {
          return undefined;
        }
        let kept = '';
        let from = 0;
        for (const item of imports) {
          if (item.t !== 1 || item.n === undefined || !specifiers.has(item.n)) continue;
          if (!/^export\s*\*\s*from/.test(source.slice(item.ss, item.se))) continue;
          kept += source.slice(from, item.ss);
          from = item.se;
        }
        return from === 0 ? undefined : { contents: kept + source.slice(from), loader: 'js' };
      });
    },
  };
}
