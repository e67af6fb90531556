import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { init, parse } from 'es-module-lexer';
import { walkFiles } from '../shared/files/walk-files.ts';
import { mergeImportedNames, readImportedNames, type ImportedNames } from '../shared/read-imported-names.ts';

/** What scanModules() reads from a podlet's compiled modules. */
export interface ModuleScan {
  /** Module path relative to root → static import specifiers as written. */
  modules: Record<string, string[]>;
  /** Module path → specifiers of its dynamic imports of string literals; modules without any are left out. */
  dynamicImports: Record<string, string[]>;
  /** Bare specifier → the export names the modules take from it, static and dynamic imports together ("*": everything). */
  importedNames: Record<string, ImportedNames>;
}

/**
 * The import graph of the JavaScript modules under `root`. Dynamic imports are kept apart from
 * the static graph, because a page should not preload what it may never run, and the names each
 * bare specifier is imported for are recorded (readImportedNames; a dynamic import takes
 * everything), so the CDN can shake libraries to what the site uses. Called when a podlet starts
 * (and on each request in development), so the layout can preload a podlet's modules without a
 * bundler's manifest.
 */
export async function scanModules(root: string): Promise<ModuleScan> {
  await init;
  const scan: ModuleScan = { modules: {}, dynamicImports: {}, importedNames: {} };
  for (const file of await walkFiles(root)) {
    if (!file.endsWith('.js') && !file.endsWith('.mjs')) continue;
    const source = await readFile(path.join(root, file), 'utf8');
    const [imports] = parse(source, file);
    const statics: string[] = [];
    const dynamics: string[] = [];
    for (const item of imports) {
      // t === 1 is a static import or re-export; 2 is import(); 3 is import.meta. A dynamic
      // import of a computed expression has no `n`: nothing to map or preload for it.
      if (item.n === undefined || (item.t !== 1 && item.t !== 2)) continue;
      (item.t === 1 ? statics : dynamics).push(item.n);
      if (isBareSpecifier(item.n))
        scan.importedNames[item.n] = mergeImportedNames(scan.importedNames[item.n], readImportedNames(source, item));
    }
    scan.modules[file] = statics;
    if (dynamics.length > 0) scan.dynamicImports[file] = [...new Set(dynamics)];
  }
  return scan;
}

/** True for specifiers the import map must resolve (not ./, ../, / or a URL). */
export function isBareSpecifier(specifier: string): boolean {
  if (/^(\.{0,2}\/)/.test(specifier)) return false;
  try {
    new URL(specifier);
    return false;
  } catch {
    return true;
  }
}
