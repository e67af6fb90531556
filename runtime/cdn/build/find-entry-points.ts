import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { readExportSubpaths } from './read-export-subpaths.ts';
import { expandExportPatterns } from './expand-export-patterns.ts';

const MODULE = /\.(m?js|cjs)$/;
/** A nested package.json larger than this is no per-function entry point's; it is not parsed. */
const maxNestedManifestBytes = 1024 * 1024;

/**
 * The public entry points of a package for the browser: subpath ("." or "./hooks") → the file
 * it loads, relative to the package root without "./". With `exports`, its subpaths resolved for
 * the browser (readExportSubpaths; patterns expanded over the package's files by
 * expandExportPatterns, linear in the number of keys); without, the `browser` field (string
 * or object form), `module` or `main`, plus the deep imports such packages document: each
 * folder with a package.json of its own (`date-fns/addDays` in date-fns 2) and each module next
 * to the main one (`lodash-es/debounce`, with and without ".js"). Only JavaScript modules are
 * entry points. Pure; called at publish time.
 */
export function findEntryPoints(manifest: PackageManifest, files: ReadonlyMap<string, Buffer>): Record<string, string> {
  const entries: Record<string, string> = {};
  const add = (subpath: string, target: string | null | undefined) => {
    const file = target ? normalise(target) : null;
    if (file && MODULE.test(file) && files.has(file) && !Object.hasOwn(entries, subpath)) entries[subpath] = file;
  };
  if (manifest.exports !== undefined && manifest.exports !== null) {
    // Exact keys win over patterns (Node's rule); each key is resolved from its own value.
    const subpaths = readExportSubpaths(manifest);
    for (const { key, target } of subpaths) if (!key.includes('*')) add(key, target);
    for (const [subpath, file] of expandExportPatterns(subpaths, files, normalise)) add(subpath, file);
    return entries;
  }
  const main = browserTarget(manifest, manifest.module ?? manifest.main ?? 'index.js', files, '');
  add('.', main);
  const taken = new Set(Object.values(entries));
  // Shortest folders first, so `addDays/` (pointing into esm/) wins over `esm/addDays/` itself.
  const nested = [...nestedManifests(files)].sort(([a], [b]) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  for (const [folder, inner] of nested) {
    const target = inner ? browserTarget(inner, inner.module ?? inner.main ?? 'index.js', files, folder) : null;
    if (target && !taken.has(target)) {
      add(`./${folder}`, target);
      taken.add(target);
    }
  }
  const mainDir = main?.includes('/') ? main.slice(0, main.lastIndexOf('/') + 1) : '';
  for (const file of [...files.keys()].sort()) {
    const rest = file.slice(mainDir.length);
    // A leading "_" marks a private module by convention (lodash's `_baseClone.js`).
    if (!file.startsWith(mainDir) || rest.includes('/') || rest.startsWith('_') || !/\.m?js$/.test(rest)) continue;
    add(`./${rest}`, file);
    add(`./${rest.replace(/\.m?js$/, '')}`, file);
  }
  return entries;
}

/**
 * The file (relative to the package root) a manifest in `folder` loads in a browser for its
 * entry: the `browser` field replaces it when it is a string, or maps it in its object form.
 */
function browserTarget(manifest: PackageManifest, entry: string, files: ReadonlyMap<string, Buffer>, folder: string): string | null {
  if (typeof manifest.browser === 'string') return withExtension(manifest.browser, files, folder);
  const file = withExtension(entry, files, folder);
  if (file && typeof manifest.browser === 'object' && manifest.browser !== null) {
    const own = folder ? file.slice(folder.length + 1) : file;
    const replaced = (manifest.browser as Record<string, unknown>)[`./${own}`];
    if (typeof replaced === 'string') return withExtension(replaced, files, folder);
  }
  return file;
}

/** Node's file resolution for a main field in `folder`: as written, with ".js", or the folder's index.js. */
function withExtension(target: string, files: ReadonlyMap<string, Buffer>, folder: string): string | null {
  const base = normalise(folder ? `${folder}/${target}` : target);
  for (const candidate of [base, `${base}.js`, `${base}.mjs`, `${base}/index.js`]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}

/** Folders (not the root) that hold a package.json of their own: per-function entry points. */
function nestedManifests(files: ReadonlyMap<string, Buffer>): Map<string, PackageManifest | null> {
  const found = new Map<string, PackageManifest | null>();
  for (const [file, bytes] of files) {
    if (!file.endsWith('/package.json') || file.includes('node_modules/')) continue;
    if (bytes.length > maxNestedManifestBytes) {
      found.set(file.slice(0, -'/package.json'.length), null);
      continue;
    }
    try {
      found.set(file.slice(0, -'/package.json'.length), JSON.parse(bytes.toString('utf8')) as PackageManifest);
    } catch {
      found.set(file.slice(0, -'/package.json'.length), null);
    }
  }
  return found;
}

/** "./dist/x.js", "dist/x.js" and "/dist/x.js" → "dist/x.js", with "." and ".." segments resolved. */
function normalise(target: string): string {
  const parts: string[] = [];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
