import { exports as resolveExports } from 'resolve.exports';
import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';

// The browser loads production builds as ES modules. resolve.exports' `unsafe` mode adds only
// these conditions and "default" — never "node", "require", "development" or "types".
const conditions = { unsafe: true, conditions: ['browser', 'production', 'import'] } as const;
const MODULE = /\.(m?js|cjs)$/;
/** More subpaths than this from one `exports` pattern is a package to publish differently, not a page's dependency. */
const MAX_PATTERN_MATCHES = 2000;

/**
 * The public entry points of a package for the browser: subpath ("." or "./hooks") → the file
 * it loads, relative to the package root without "./". With `exports`, its subpaths resolved for
 * the browser (patterns expanded over the package's files); without, the `browser` field (string
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
    for (const key of subpathKeys(manifest.exports)) {
      if (key.includes('*')) for (const [subpath, target] of expandPattern(manifest, key, files)) add(subpath, target);
      else add(key, resolveOne(manifest, key));
    }
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

/** The subpath keys of an `exports` field; a bare target or a conditions object means ".". */
function subpathKeys(field: unknown): string[] {
  if (typeof field === 'object' && !Array.isArray(field)) {
    const keys = Object.keys(field as object);
    if (keys.length > 0 && keys.every((key) => key.startsWith('.'))) return keys;
  }
  return ['.'];
}

function resolveOne(manifest: PackageManifest, subpath: string): string | null {
  try {
    return resolveExports(manifest, subpath, conditions)?.[0] ?? null;
  } catch {
    return null; // a null target (an excluded subpath) or no matching condition
  }
}

/** "./locale/*" → every file the pattern can reach, as [subpath, target] pairs. */
function* expandPattern(manifest: PackageManifest, key: string, files: ReadonlyMap<string, Buffer>): Generator<[string, string]> {
  const [keyPrefix = '', keySuffix = ''] = key.split('*');
  const probe = resolveOne(manifest, `${keyPrefix}\u0000${keySuffix}`);
  if (!probe) return;
  const [targetPrefix = '', targetSuffix = ''] = normalise(probe).split('\u0000');
  let matches = 0;
  for (const file of files.keys()) {
    if (!file.startsWith(targetPrefix) || !file.endsWith(targetSuffix) || file.length < targetPrefix.length + targetSuffix.length) continue;
    const star = file.slice(targetPrefix.length, file.length - targetSuffix.length);
    if (star === '' || ++matches > MAX_PATTERN_MATCHES) continue;
    const subpath = `${keyPrefix}${star}${keySuffix}`;
    if (resolveOne(manifest, subpath) !== null) yield [subpath, file];
  }
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
