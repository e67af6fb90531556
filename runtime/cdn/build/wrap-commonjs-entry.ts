import path from 'node:path';
import { parse } from 'es-module-lexer';
import { cjsNamedExports } from './cjs-named-exports.ts';

/**
 * Node's name for the export that holds a module's `module.exports`: `require()` of an ES module
 * with an export of this name yields that export, not the namespace. Every CommonJS entry point
 * is built with one, so `require()` of it from another package's build yields its
 * `module.exports` (a function, a class, a primitive) as in Node (createBuildPlugin).
 */
export const MODULE_EXPORTS = 'module.exports';

/**
 * A CommonJS entry point as an ES module: its `module.exports` under the export name
 * "module.exports", a default export that is `module.exports` (or its `default` when it carries
 * `__esModule`, as bundlers read it), the named exports `cjs-module-lexer` finds, read from
 * `module.exports` itself, and `export *` of each other package it re-exports whole
 * (`module.exports = require('other')`), as Node's import of it has that package's names too.
 * Null for an ES module, and for a classic script that mentions
 * `require` but exports nothing. `file` is relative to the package root, which is written out
 * at `packageDir`; `es-module-lexer` must be initialised.
 */
export async function wrapCommonjsEntry(file: string, files: ReadonlyMap<string, Buffer>, packageDir: string): Promise<string | null> {
  const source = files.get(file)?.toString('utf8') ?? '';
  try {
    if (parse(source)[3]) return null; // module syntax: esbuild keeps its exports as they are
  } catch {
    // not parseable as a module: treat it as CommonJS
  }
  if (!/\b(module\.exports|exports\.[\w$]+\s*=|exports\[|require\s*\()/.test(source)) return null;
  const { names, packages } = await cjsNamedExports(file, files);
  // A classic script (es-module-shims' dist file) mentions require() but exports nothing.
  if (names.length === 0 && packages.length === 0 && !/\bmodule\.exports\b/.test(source)) return null;
  const target = JSON.stringify(path.join(packageDir, file));
  // require(), not import: an import of CommonJS gives esbuild's copy of module.exports, never
  // module.exports itself, and a function's copy is not callable.
  let wrapper =
    `const __cjs = require(${target});\n` +
    `export { __cjs as ${JSON.stringify(MODULE_EXPORTS)} };\n` +
    'export default __cjs != null && __cjs.__esModule ? __cjs.default : __cjs;\n';
  if (names.length > 0) {
    const locals = names.map((name, i) => `  ${JSON.stringify(name)}: __${i}`).join(',\n');
    const list = names.map((name, i) => `__${i} as ${JSON.stringify(name)}`).join(', ');
    wrapper += `const {\n${locals}\n} = __cjs;\nexport { ${list} };\n`;
  }
  for (const specifier of packages) wrapper += `export * from ${JSON.stringify(specifier)};\n`;
  return wrapper;
}
