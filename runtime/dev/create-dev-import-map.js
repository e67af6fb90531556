// The import map of a podlet's dev preview: each browser dependency of the podlet, resolved the
// way Node would from the podlet's folder (so geo's own lit 2 wins over the project's lit 3),
// to its production files in node_modules, served by the dev server from the repository root.
// Generalises test/browser/import-map-for-tests.js, which maps the project's top-level copies.
import { readFileSync, realpathSync, existsSync } from 'node:fs';
import path from 'node:path';

/** The target of an exports entry for a production browser build (never `development`). */
function pickTarget(entry) {
  if (typeof entry === 'string') return entry;
  return pickTarget(entry.browser ?? entry.import ?? entry.default);
}

/** The folder of package `name` as Node finds it from `fromDir`, with symlinks (workspaces) resolved. */
function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) throw new Error(`podmap dev: cannot find package "${name}" from ${fromDir}`);
  }
}

/**
 * Creates `{ imports, scopes }` for the podlet in `podletDir`: for each dependency (and theirs,
 * transitively) `name` → its browser entry and `name/` → its folder, as URL paths under
 * `rootDir`. A package that resolves elsewhere from inside another package gets a scope keyed
 * by that package's folder. `@podlets/<other>/` dependencies map to `podletsPath(<other>)`.
 */
export function createDevImportMap({ rootDir, podletDir, podletsPath }) {
  const urlOf = (dir) => `/${path.relative(rootDir, dir).split(path.sep).join('/')}/`;
  const imports = {};
  const scopes = {};
  const topLevel = new Map();
  const seen = new Set();
  const visit = (name, fromDir, scopeUrl, recurse = true) => {
    if (name.startsWith('@podlets/')) {
      imports[`${name}/`] = podletsPath(name.slice('@podlets/'.length));
      return;
    }
    if (name.startsWith('@types/')) return; // types only, nothing the browser loads
    const dir = findPackageDir(name, fromDir);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const base = urlOf(dir);
    const entry = pkg.exports?.['.'] ? pickTarget(pkg.exports['.']) : (pkg.module ?? pkg.main ?? 'index.js');
    // A subpath pattern ("./*.js": "./public/*.js") moves `name/`; lit has none and maps as is.
    const pattern = Object.entries(pkg.exports ?? {}).find(([key]) => key === './*' || key === './*.js')?.[1];
    const patternTarget = pattern ? pickTarget(pattern) : './';
    const folder = new URL(patternTarget.slice(0, patternTarget.lastIndexOf('/') + 1), `http://x${base}`).pathname;
    const entries = { [name]: new URL(entry, `http://x${base}`).pathname, [`${name}/`]: folder };
    if (!topLevel.has(name)) {
      topLevel.set(name, dir);
      Object.assign(imports, entries);
    } else if (topLevel.get(name) !== dir && scopeUrl) {
      Object.assign((scopes[scopeUrl] ??= {}), entries);
    }
    if (!recurse || seen.has(dir)) return;
    seen.add(dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, base);
  };
  const own = JSON.parse(readFileSync(path.join(podletDir, 'package.json'), 'utf8'));
  // The podlet's own dependencies take the top level first, so one of its libraries' dependency
  // on another major (design's lit 3 beside geo's lit 2) gets a scope instead of taking it.
  for (const dep of Object.keys(own.dependencies ?? {})) visit(dep, podletDir, null, false);
  for (const dep of Object.keys(own.dependencies ?? {})) visit(dep, podletDir, null);
  return Object.keys(scopes).length > 0 ? { imports, scopes } : { imports };
}
