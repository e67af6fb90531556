import { init, parse } from 'cjs-module-lexer';
import { transform } from 'esbuild';
import { resolvePackageFile } from './resolve-package-file.ts';

/** The definitions every browser build is made with; `process.env.NODE_ENV` picks production code. */
export const PRODUCTION_DEFINE = { 'process.env.NODE_ENV': '"production"' } as const;

/** What a CommonJS module exports: names, and the other packages it passes on whole. */
export interface CjsExports {
  names: string[];
  /** Bare specifiers of `module.exports = require('other-package')` and the like, in source order. */
  packages: string[];
}

/**
 * The names a CommonJS module exports, as `cjs-module-lexer` (the detector Node itself uses)
 * finds them, following `module.exports = require('./x')` re-exports inside the package; and,
 * in `packages`, the other packages it re-exports that way, whose names Node passes on too. The
 * source is first folded with NODE_ENV set to "production", so react's `index.js` leads to its
 * production build, not both. `default` and `__esModule` are left out: the build adds its own
 * default. Called at publish time for entry points that are CommonJS.
 */
export async function cjsNamedExports(file: string, files: ReadonlyMap<string, Buffer>): Promise<CjsExports> {
  const names = new Set<string>();
  const packages = new Set<string>();
  await collectExports(file, files, new Set(), names, packages);
  return { names: [...names].sort(), packages: [...packages] };
}

async function collectExports(
  file: string,
  files: ReadonlyMap<string, Buffer>,
  seen: Set<string>,
  names: Set<string>,
  packages: Set<string>,
): Promise<void> {
  if (seen.has(file)) return;
  seen.add(file);
  const source = files.get(file)?.toString('utf8');
  if (source === undefined) return;
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
    return;
  }
  for (const name of lexed.exports) if (name !== 'default' && name !== '__esModule') names.add(name);
  for (const specifier of lexed.reexports) {
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
      packages.add(specifier);
      continue;
    }
    const target = resolvePackageFile(files, file, specifier);
    if (target) await collectExports(target, files, seen, names, packages);
  }
}
