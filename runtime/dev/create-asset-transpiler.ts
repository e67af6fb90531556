// The podlet's TypeScript for the browser, one file at a time: no bundling, bare specifiers left
// for the import map, relative "./x.ts" imports renamed "./x.js" (the names in public/ and in
// the podlet's exposes, so one module never has two URLs). Compiled with the podlet's own
// `typescript`, so the dev server adds no compiler to a podlet team's install.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TypeScript from 'typescript';
import { PodmapError } from '../shared/errors.ts';

/** Compiles `file` (an absolute path to a .ts source) to an ES module; cached while its mtime and size hold. */
export type AssetTranspiler = (file: string) => Promise<string>;

/** The `typescript` package the podlet would compile with: resolved from its folder as Node resolves it. */
function loadTypeScript(podletDir: string): typeof TypeScript {
  const require = createRequire(path.join(podletDir, 'package.json'));
  let resolved: string;
  try {
    resolved = require.resolve('typescript');
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_DEV_TYPESCRIPT_MISSING', `not found from ${podletDir}`, { cause: error });
  }
  return require(resolved) as typeof TypeScript;
}

/** The podlet's compiler options (tsconfig.json with its `extends`), set for one browser module per file. */
function readCompilerOptions(ts: typeof TypeScript, podletDir: string): TypeScript.CompilerOptions {
  const configPath = path.join(podletDir, 'tsconfig.json');
  let options: TypeScript.CompilerOptions = {};
  if (existsSync(configPath)) {
    const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
    const parsed = read.error ? null : ts.parseJsonConfigFileContent(read.config, ts.sys, podletDir, undefined, configPath);
    const error = read.error ?? parsed?.errors.find((e) => e.category === ts.DiagnosticCategory.Error);
    if (error) throw new PodmapError('PODMAP_ERR_DEV_TSCONFIG', ts.flattenDiagnosticMessageText(error.messageText, ' '));
    options = parsed!.options;
  }
  return {
    ...options,
    // The browser loads ES modules; "NodeNext" would pick CommonJS for a package without "type".
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // TypeScript 5.7+; with an older compiler sources import "./x.js" already, as they must to emit.
    rewriteRelativeImportExtensions: true,
    // DevTools show the .ts source; nothing else is written anywhere.
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    declaration: false,
    declarationMap: false,
    composite: false,
    noEmit: false,
    emitDeclarationOnly: false,
  };
}

/**
 * Creates the transpiler of the podlet in `podletDir`: `ts.transpileModule` with the podlet's
 * tsconfig.json compiler options (read with TypeScript's own reader, so `extends` works), ES
 * modules out. Throws PODMAP_ERR_DEV_TYPESCRIPT_MISSING when the podlet cannot resolve
 * `typescript`, PODMAP_ERR_DEV_TSCONFIG when its tsconfig.json does not parse.
 */
export function createAssetTranspiler(podletDir: string): AssetTranspiler {
  const ts = loadTypeScript(podletDir);
  const compilerOptions = readCompilerOptions(ts, podletDir);
  const cache = new Map<string, { key: string; code: string }>();
  return async function transpile(file) {
    const info = await stat(file);
    const key = `${info.mtimeMs}:${info.size}`;
    const hit = cache.get(file);
    if (hit?.key === key) return hit.code;
    const source = await readFile(file, 'utf8');
    const { outputText, diagnostics = [] } = ts.transpileModule(source, { compilerOptions, fileName: file, reportDiagnostics: true });
    // Syntax errors only (transpiling does not type-check); the browser would report a vaguer one.
    for (const d of diagnostics) console.warn(`podmap dev: ${file}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    cache.set(file, { key, code: outputText });
    return outputText;
  };
}
