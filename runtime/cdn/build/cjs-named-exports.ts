import { init, parse } from 'cjs-module-lexer';
import { transform } from 'esbuild';
import { resolvePackageFile } from './resolve-package-file.ts';

/** The definitions every browser build is made with; `process.env.NODE_ENV` picks production code. */
export const PRODUCTION_DEFINE = { 'process.env.NODE_ENV': '"production"' } as const;

/**
 * The names a CommonJS module exports, as `cjs-module-lexer` (the detector Node itself uses)
 * finds them, following `module.exports = require('./x')` re-exports inside the package. The
 * source is first folded with NODE_ENV set to "production", so react's `index.js` leads to its
 * production build, not both. `default` and `__esModule` are left out: the build adds its own
 * default. Called at publish time for entry points that are CommonJS.
 */
export async function cjsNamedExports(file: string, files: ReadonlyMap<string, Buffer>, seen = new Set<string>()): Promise<string[]> {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = files.get(file)?.toString('utf8');
  if (source === undefined) return [];
  await init();
  let folded = source;
  try {
    folded = (await transform(source, { define: PRODUCTION_DEFINE, minifySyntax: true, loader: 'js', logLevel: 'silent' })).code;
  } catch {
    // Not parseable as JavaScript on its own: the lexer reads the original.
  }
  let lexed: { exports: string[]; reexports: string[] };
  try {
    lexed = parse(folded);
  } catch {
    return [];
  }
  const names = new Set(lexed.exports.filter((n) => n !== 'default' && n !== '__esModule'));
  for (const specifier of lexed.reexports) {
    if (!specifier.startsWith('.')) continue;
    const target = resolvePackageFile(files, file, specifier);
    if (target) for (const name of await cjsNamedExports(target, files, seen)) names.add(name);
  }
  return [...names].sort();
}
