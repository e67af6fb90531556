import { parse } from 'es-module-lexer';
import { resolvePackageFile } from './resolve-package-file.ts';

/**
 * The other packages a file passes on whole, through `export * from '<package>'` in it or in
 * files it passes on whole itself (lit-element.js: `export * from 'lit-html'`). esbuild drops
 * such re-exports from an entry point whose code moves into a shared chunk, so the build adds
 * them back. `es-module-lexer` must be initialised. Pure.
 */
export function findStarReexports(file: string, files: ReadonlyMap<string, Buffer>, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = files.get(file)?.toString('utf8');
  if (source === undefined) return [];
  let imports;
  try {
    [imports] = parse(source);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const item of imports) {
    if (item.t !== 1 || item.n === undefined || !/^export\s*\*\s*from/.test(source.slice(item.ss, item.se))) continue;
    if (item.n.startsWith('.')) {
      const target = resolvePackageFile(files, file, item.n);
      if (target) found.push(...findStarReexports(target, files, seen));
    } else found.push(item.n);
  }
  return [...new Set(found)];
}
