import { parse } from 'es-module-lexer';
import { findStarReexports } from '../build/find-star-reexports.ts';
import { resolvePackageFile } from '../build/resolve-package-file.ts';

/** What a module exports: the names it declares or re-exports by name, and the packages it passes on whole. */
export interface ExportFacts {
  names: ReadonlySet<string>;
  /** Specifiers of `export * from '<package>'`; a module that passes on a file of its own whole says null (not known). */
  stars: readonly string[] | null;
}

/** The export facts of another package's entry point ("@vue/runtime-core"), as the site's version of it builds; null when not known. */
export type ReadDependencyExports = (specifier: string) => Promise<ExportFacts | null>;

/** An entry's names split between the package itself and the other packages it passes on whole. */
export interface SplitNames {
  local: string[];
  /** Per package passed on whole (`export * from`), the names taken from it. */
  forwarded: Array<{ specifier: string; names: string[] }>;
  /** Every package the entry passes on whole: with the names above taken directly, none of its stars is needed. */
  stars: string[];
  /** The package's files those stars are written in: the entry and the files of its own it passes on whole. */
  chain: string[];
}

/** How many packages deep a forwarded name is looked for (vue → runtime-dom → runtime-core → reactivity). */
const MAX_DEPTH = 4;

/**
 * For an entry file of the package and the names the site takes from it: the names to take from
 * the file itself, and for each other package it passes on whole (`export * from
 * '@vue/runtime-dom'` in vue), those that come from it. Asked for through the file, esbuild
 * turns each star into a namespace import, so the other package would be built whole; taken
 * straight from it, that package is shaken too. Each name the file does not declare must come
 * from exactly one of its stars, found in that package's full build or down its own stars
 * (`readDependency`), as an ES module resolves it: a name nobody exports, forwarded, would fail
 * to link in the browser for every podlet of the page, where now it is undefined for the one
 * podlet that asked for it, and a name two stars export is no export at all. Even with nothing
 * to forward, the stars are not needed (a star left in makes esbuild keep the whole module and a
 * namespace import of the other package). Null (leave the entry as it is) when the entry passes
 * on no package, when any name has not exactly one source, or when a module of the package takes
 * a file of the chain whole (takenWhole): without its stars, that namespace would lack the names. `default` is never forwarded (a star does not pass it on).
 * es-module-lexer must be initialised.
 */
export async function splitStarNames(
  file: string,
  files: ReadonlyMap<string, Buffer>,
  names: readonly string[],
  readDependency: ReadDependencyExports,
  packageName: string,
): Promise<SplitNames | null> {
  const chain = new Set<string>();
  const stars = findStarReexports(file, files, chain);
  if (stars.length === 0 || takenWhole(chain, files, packageName)) return null;
  const own = ownExportNames(file, files, new Set());
  if (own === null) return null;
  const local = names.filter((n) => own.has(n) || n === 'default');
  const rest = names.filter((n) => !own.has(n) && n !== 'default');
  const bySpecifier = new Map<string, string[]>();
  for (const name of rest) {
    const sources: string[] = [];
    for (const star of stars) if (await exportedThrough(star, name, readDependency, 1)) sources.push(star);
    if (sources.length !== 1) return null;
    bySpecifier.set(sources[0]!, [...(bySpecifier.get(sources[0]!) ?? []), name]);
  }
  return {
    local,
    forwarded: [...bySpecifier].map(([specifier, forwarded]) => ({ specifier, names: forwarded })),
    stars,
    chain: [...chain],
  };
}

/** Whether `specifier` exports `name`: by name, or through exactly one of its own stars, down to MAX_DEPTH packages. */
async function exportedThrough(specifier: string, name: string, readDependency: ReadDependencyExports, depth: number): Promise<boolean> {
  const facts = await readDependency(specifier);
  if (!facts) return false;
  if (facts.names.has(name)) return true;
  if (facts.stars === null || depth >= MAX_DEPTH) return false;
  let found = 0;
  for (const star of facts.stars) if (await exportedThrough(star, name, readDependency, depth + 1)) found++;
  return found === 1;
}

/**
 * Whether a module of the package imports a file of `chain` as a namespace (`import * as`,
 * `export * as`, `import()`), or its own package by name that way: dropping the chain's stars
 * would silently take names out of that namespace. Files the lexer cannot read are not looked at.
 */
function takenWhole(chain: ReadonlySet<string>, files: ReadonlyMap<string, Buffer>, own: string): boolean {
  for (const [path, bytes] of files) {
    if (!/\.[mc]?js$/.test(path)) continue;
    const source = bytes.toString('utf8');
    let imports;
    try {
      [imports] = parse(source);
    } catch {
      continue;
    }
    for (const item of imports) {
      if (item.n === undefined || item.d === -2) continue;
      const whole = item.d > -1 || /^(?:import[^'"]*\*\s*as|export\s*\*\s*as)/.test(source.slice(item.ss, item.se));
      if (!whole) continue;
      if (item.n === own || item.n.startsWith(`${own}/`)) return true;
      const target = item.n.startsWith('.') ? resolvePackageFile(files, path, item.n) : null;
      if (target !== null && chain.has(target)) return true;
    }
  }
  return false;
}

/** The names a file of the package exports by name, its own star re-exports of its files included; null if it cannot be read. */
function ownExportNames(file: string, files: ReadonlyMap<string, Buffer>, seen: Set<string>): Set<string> | null {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const source = files.get(file)?.toString('utf8');
  if (source === undefined) return null;
  let lexed;
  try {
    lexed = parse(source);
  } catch {
    return null;
  }
  for (const e of lexed[1]) names.add(e.n);
  for (const item of lexed[0]) {
    if (item.t !== 1 || item.n === undefined || !item.n.startsWith('.')) continue;
    if (!/^export\s*\*\s*from/.test(source.slice(item.ss, item.se))) continue;
    const target = resolvePackageFile(files, file, item.n);
    const more = target ? ownExportNames(target, files, seen) : null;
    if (more === null) return null;
    for (const n of more) if (n !== 'default') names.add(n);
  }
  return names;
}

/** The export facts of a built file's source (another package's full build): its names and its star re-exports of packages. */
export function readExportFacts(source: string): ExportFacts | null {
  let lexed;
  try {
    lexed = parse(source);
  } catch {
    return null;
  }
  const stars: string[] = [];
  let known = true;
  for (const item of lexed[0]) {
    if (item.t !== 1 || item.n === undefined || !/^export\s*\*\s*from/.test(source.slice(item.ss, item.se))) continue;
    if (item.n.startsWith('.') || item.n.startsWith('/')) known = false;
    else stars.push(item.n);
  }
  return { names: new Set(lexed[1].map((e) => e.n)), stars: known ? [...new Set(stars)] : null };
}
