import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { packageNameOf } from '../../shared/package-name-of.ts';
import { BUILTIN_MARKER, OUTPUT_MARKER } from './build-markers.ts';
import type { ReexportedNames } from './read-reexports.ts';
import { resolvePackageFile } from './resolve-package-file.ts';
import { rewriteCoveredImports } from './rewrite-covered-imports.ts';
import { MODULE_EXPORTS } from './wrap-commonjs-entry.ts';

/** How the module behind a require() of another package imports it: the prefix, then the specifier. */
const REQUIRED_IMPORT = 'podmap-required-import:';
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

export interface BuildPluginOptions {
  /** The package's own name: bare imports of it are the package's own entry points. */
  name: string;
  /** Where the package's files are on disk. */
  packageDir: string;
  /** Entry subpath → its output file ("+/hooks.js"), for bare imports of the package itself. */
  outputs: ReadonlyMap<string, string>;
  /** Files the main module re-exports whole; imports of them become thin modules over the main build. */
  covered: ReadonlyMap<string, ReexportedNames>;
  /** The main build's output ("+/index.js"), or null while building it. */
  mainOutput: string | null;
  /** Virtual modules by name (entry wrappers), loaded as they are. */
  virtual: ReadonlyMap<string, string>;
  /** The package's files, for reading its imports. */
  files: ReadonlyMap<string, Buffer>;
  /** The object form of the package's `browser` field: a module mapped to `false` is empty in a browser. */
  browserField: Readonly<Record<string, unknown>>;
  /**
   * Packages whose package.json says `"sideEffects": false` (shaken builds only): an import of
   * one whose names go unused is dropped, as a bundler would, where esbuild otherwise keeps every
   * import of another package in case running it matters.
   */
  sideEffectFree?: ReadonlySet<string>;
}

/**
 * The esbuild plugin of a browser build: every other package stays a bare import for the page's
 * import map to resolve, and so does `require()` of one (a browser has no require), through a
 * module that imports it and yields what Node's require() would: a converted CommonJS package's
 * `module.exports`, else the namespace; the package's own entry points, imported by name,
 * become imports of their outputs, so each has one instance; Node built-ins are marked for the
 * availability check; files the main module re-exports are taken from the main build.
 */
export function createBuildPlugin(options: BuildPluginOptions): Plugin {
  return {
    name: 'podmap-browser-build',
    setup(build) {
      build.onResolve({ filter: /^podmap-virtual:/ }, (args) => ({ path: args.path, namespace: 'podmap-virtual' }));
      build.onLoad({ filter: /.*/, namespace: 'podmap-virtual' }, (args) => ({
        contents: options.virtual.get(args.path) ?? '',
        resolveDir: options.packageDir,
        loader: 'js',
      }));
      build.onResolve({ filter: /^podmap-output:/ }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: new RegExp(`^${REQUIRED_IMPORT}`) }, (args) => ({
        path: args.path.slice(REQUIRED_IMPORT.length),
        namespace: 'podmap-required-import',
      }));
      build.onResolve({ filter: /^[^./]|^\.\.?\/|^\// }, (args) => resolve(options, args));
      if (options.mainOutput !== null && options.covered.size > 0) {
        build.onLoad({ filter: /\.m?js$/, namespace: 'file' }, async (args) => {
          const file = path.relative(options.packageDir, args.path).split(path.sep).join('/');
          const source = await readFile(args.path, 'utf8');
          const rewritten = rewriteCoveredImports(source, file, options.covered, options.files);
          return rewritten === null ? undefined : { contents: rewritten, loader: 'js' };
        });
      }
      build.onLoad({ filter: /.*/, namespace: 'podmap-empty' }, () => ({ contents: 'export default {};\n', loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: 'podmap-require' }, (args) => {
        // `require('react')` from CommonJS, as Node's require(): what the module the map gives
        // exports as "module.exports" (a converted CommonJS package's module.exports, which may
        // be a function), else a copy of its namespace with __esModule set.
        const key = JSON.stringify(MODULE_EXPORTS);
        const contents = `var ns = require(${JSON.stringify(REQUIRED_IMPORT + args.path)});\nmodule.exports = Object.prototype.hasOwnProperty.call(ns, ${key}) ? ns[${key}] : ns;\n`;
        return { contents, loader: 'js' };
      });
      build.onLoad({ filter: /.*/, namespace: 'podmap-required-import' }, (args) => {
        // The import itself stays a static import for the page's import map to resolve.
        const target = JSON.stringify(args.path);
        return { contents: `import * as m from ${target};\nexport * from ${target};\nexport default m.default;\n`, loader: 'js' };
      });
      build.onLoad({ filter: /.*/, namespace: 'podmap-covered' }, (args) => {
        const names = options.covered.get(args.path)!;
        const list = [...names].map(([own, main]) => (own === main ? own : `${main} as ${own}`)).join(', ');
        return { contents: `export { ${list} } from ${JSON.stringify(OUTPUT_MARKER + '.')};\n`, loader: 'js' };
      });
    },
  };
}

type ResolveResult = { path: string; external?: boolean; namespace?: string; sideEffects?: boolean } | undefined;

function resolve(options: BuildPluginOptions, args: { path: string; kind: string; importer: string; namespace: string }): ResolveResult {
  const specifier = args.path;
  if (options.browserField[specifier] === false) return { path: specifier, namespace: 'podmap-empty' };
  if (builtins.has(specifier) || specifier.endsWith('.node'))
    return { path: BUILTIN_MARKER + specifier.replace(/^node:/, ''), external: true };
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    if (options.mainOutput === null || args.namespace === 'podmap-covered') return undefined;
    const importer = args.namespace === 'file' ? path.relative(options.packageDir, args.importer).split(path.sep).join('/') : 'index.js';
    const file = resolvePackageFile(options.files, importer, specifier);
    return file && options.covered.has(file) ? { path: file, namespace: 'podmap-covered' } : undefined;
  }
  const required = args.kind === 'require-call' || args.kind === 'require-resolve';
  let target = specifier;
  const own = specifier === options.name || specifier.startsWith(`${options.name}/`);
  if (own) {
    const subpath = specifier === options.name ? '.' : `.${specifier.slice(options.name.length)}`;
    if (options.outputs.has(subpath)) target = OUTPUT_MARKER + subpath;
  }
  if (required) return { path: target, namespace: 'podmap-require' };
  if (!own && options.sideEffectFree?.has(packageNameOf(specifier))) return { path: target, external: true, sideEffects: false };
  return { path: target, external: true };
}
