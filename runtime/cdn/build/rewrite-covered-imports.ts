import { parse } from 'es-module-lexer';
import { OUTPUT_MARKER } from './build-markers.ts';
import type { ReexportedNames } from './read-reexports.ts';
import { resolvePackageFile } from './resolve-package-file.ts';

const MAIN = JSON.stringify(`${OUTPUT_MARKER}.`);

/**
 * Rewrites the static imports and re-exports of `file` that target a file the main module
 * re-exports whole, so they import the same bindings from the main build instead: `import
 * debounce from './debounce.js'` becomes `import { debounce as debounce } from <main>`. Without
 * this, every such file would become a glue module of its own, and esbuild would put each glue
 * module in a chunk of its own. Statements it cannot map (namespace imports) are left alone.
 * Returns null when nothing changed. `es-module-lexer` must be initialised. Pure.
 */
export function rewriteCoveredImports(
  source: string,
  file: string,
  covered: ReadonlyMap<string, ReexportedNames>,
  files: ReadonlyMap<string, Buffer>,
): string | null {
  let imports;
  try {
    [imports] = parse(source);
  } catch {
    return null;
  }
  let out = '';
  let at = 0;
  for (const item of imports) {
    if (item.t !== 1 || item.n === undefined || !item.n.startsWith('.')) continue;
    const target = resolvePackageFile(files, file, item.n);
    const names = target ? covered.get(target) : undefined;
    if (!names) continue;
    const replacement = rewriteStatement(source.slice(item.ss, item.se), names);
    if (replacement === null) continue;
    out += source.slice(at, item.ss) + replacement;
    at = item.se;
  }
  return at === 0 ? null : out + source.slice(at);
}

function rewriteStatement(statement: string, names: ReexportedNames): string | null {
  const main = (name: string) => names.get(name);
  if (/^export\s*\*\s*from/.test(statement)) {
    const list = [...names].filter(([own]) => own !== 'default').map(([own, m]) => `${m} as ${own}`);
    return `export { ${list.join(', ')} } from ${MAIN}`;
  }
  const exported = /^export\s*\{([^}]*)\}\s*from/.exec(statement);
  if (exported) {
    const list = mapSpecifiers(exported[1]!, main);
    return list && `export { ${list.join(', ')} } from ${MAIN}`;
  }
  const imported = /^import\s+(?:([A-Za-z_$][\w$]*)\s*(?:,\s*)?)?(?:\{([^}]*)\})?\s*from/.exec(statement);
  if (!imported || (!imported[1] && imported[2] === undefined)) return null;
  const list = mapSpecifiers(imported[2] ?? '', main) ?? null;
  if (!list) return null;
  if (imported[1]) {
    const defaultName = main('default');
    if (!defaultName) return null;
    list.unshift(`${defaultName} as ${imported[1]}`);
  }
  return `import { ${list.join(', ')} } from ${MAIN}`;
}

/** "a as b, c" → ["<main name of a> as b", "<main name of c> as c"]; null if a name is not in main. */
function mapSpecifiers(clause: string, main: (name: string) => string | undefined): string[] | null {
  const list: string[] = [];
  for (const part of clause
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [own = '', local = own] = part.replace(/^type\s+/, '').split(/\s+as\s+/);
    const name = main(own);
    if (!name) return null;
    list.push(`${name} as ${local}`);
  }
  return list;
}
