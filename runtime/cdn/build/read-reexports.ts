import { parse } from 'es-module-lexer';
import { resolvePackageFile } from './resolve-package-file.ts';

/** How the main module exposes one file it re-exports: that file's export name → main's export name. */
export type ReexportedNames = Map<string, string>;

/**
 * The main module and the files it re-exports whole, with the name each of their exports has
 * in the main module: `export * from './add.js'` (date-fns), `export { default as add } from
 * './add.js'` (lodash-es), `export { Observable } from './internal/Observable'` (rxjs). A file
 * is listed only when every one of its exports is reachable through the main module, including
 * its default export (`export default add` of a function the main module exports by name).
 *
 * The browser build uses it to make such a file's entry point, and every import of it, a thin
 * module over the main build, so `date-fns` and `date-fns/addDays` on one page share one
 * instance instead of two builds. `es-module-lexer` must be initialised. Pure.
 */
export function readReexports(mainFile: string, files: ReadonlyMap<string, Buffer>): Map<string, ReexportedNames> {
  const source = files.get(mainFile)?.toString('utf8');
  const covered = new Map<string, ReexportedNames>();
  if (source === undefined) return covered;
  const main = lex(source);
  if (!main) return covered;
  // The main file itself: an entry point that imports it (lit-html's directives import
  // './lit-html.js') takes it from the main build.
  if (!main.reexports.some((r) => r.star)) covered.set(mainFile, new Map(main.names.map((name) => [name, name])));
  for (const statement of main.reexports) {
    const file = resolvePackageFile(files, mainFile, statement.specifier);
    const target = file ? lex(files.get(file)?.toString('utf8') ?? '') : null;
    // A file that re-exports another whole has names the lexer cannot list (lit-element.js
    // passes on all of lit-html): a facade would drop them, so it is built, not covered.
    if (!file || !target || target.reexports.some((r) => r.star)) continue;
    const names = covered.get(file) ?? new Map<string, string>();
    if (statement.star) for (const name of target.names) if (name !== 'default') names.set(name, name);
    for (const [imported, exported] of statement.named) names.set(imported, exported);
    // `export default add` where `add` is exported by name: the default is that same binding.
    if (target.defaultLocal && names.has(target.defaultLocal) && !names.has('default'))
      names.set('default', names.get(target.defaultLocal)!);
    if (target.names.every((name) => names.has(name))) covered.set(file, names);
  }
  return covered;
}

interface Lexed {
  names: string[];
  /** The identifier of `export default <identifier>;`, if that is how the default is written. */
  defaultLocal?: string;
  reexports: Array<{ specifier: string; star: boolean; named: Array<[string, string]> }>;
}

function lex(source: string): Lexed | null {
  let imports, exports;
  try {
    [imports, exports] = parse(source);
  } catch {
    return null;
  }
  const lexed: Lexed = { names: exports.map((e) => e.n), reexports: [] };
  const defaultExport = exports.find((e) => e.n === 'default');
  if (defaultExport) lexed.defaultLocal = defaultExport.ln ?? /^\s*([A-Za-z_$][\w$]*)\s*(;|\n|$)/.exec(source.slice(defaultExport.e))?.[1];
  for (const item of imports) {
    if (item.t !== 1 || item.n === undefined) continue;
    const statement = source.slice(item.ss, item.se);
    if (!statement.startsWith('export')) continue;
    const braces = /^export\s*\{([^}]*)\}/.exec(statement);
    const named = (braces?.[1] ?? '')
      .split(',')
      .map((part) => part.trim().split(/\s+as\s+/))
      .filter((pair) => pair[0])
      .map(([imported, exported]) => [imported!, exported ?? imported!] as [string, string]);
    lexed.reexports.push({ specifier: item.n, star: /^export\s*\*\s*from/.test(statement), named });
  }
  return lexed;
}
