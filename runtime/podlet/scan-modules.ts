import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { init, parse } from 'es-module-lexer';
import { walkFiles } from '../shared/files/walk-files.ts';

/**
 * The static import graph of the JavaScript modules under `root`: path relative to root →
 * import specifiers as written. Dynamic imports are left out, because a page should not
 * preload what it may never run. Called when a podlet starts (and on each request in
 * development), so the layout can preload a podlet's modules without a bundler's manifest.
 */
export async function scanModules(root: string): Promise<Record<string, string[]>> {
  await init;
  const graph: Record<string, string[]> = {};
  for (const file of await walkFiles(root)) {
    if (!file.endsWith('.js') && !file.endsWith('.mjs')) continue;
    const source = await readFile(path.join(root, file), 'utf8');
    const [imports] = parse(source, file);
    // t === 1 is a static import or re-export; 2 is import(); 3 is import.meta.
    graph[file] = imports.flatMap((i) => (i.t === 1 && i.n !== undefined ? [i.n] : []));
  }
  return graph;
}

/** The npm package a bare specifier belongs to: "lit/decorators.js" → "lit", "@a/b/c" → "@a/b". */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
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
