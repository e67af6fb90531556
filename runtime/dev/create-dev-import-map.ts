// The import map of a podlet's dev preview: each browser dependency of the podlet, resolved the
// way Node would from the podlet's folder (so geo's own lit 2 wins over the project's lit 3), to
// its production files, which the dev server serves under NODE_MODULES_PATH. Nothing here
// assumes a repository around the podlet: a podlet folder with its own node_modules is enough.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findInstalledPackage } from '../shared/files/find-installed-package.ts';

/** Where the dev server serves resolved packages: `/-/node_modules/<name>@<version>/<file>`. */
export const NODE_MODULES_PATH = '/-/node_modules/';

/** What a browser import map holds. */
export interface ImportMap {
  imports: Record<string, string>;
  scopes?: Record<string, Record<string, string>>;
}

/** The map, the package folders it points into (by `<name>@<version>`) and what could not be mapped. */
export interface DevImportMap {
  importMap: ImportMap;
  packages: Map<string, string>;
  warnings: string[];
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  module?: string;
  exports?: Record<string, ExportTarget>;
  dependencies?: Record<string, string>;
}
type ExportTarget = string | null | { [condition: string]: ExportTarget };

/** The target of an exports entry for a production browser build (never `development`). */
function pickTarget(entry: ExportTarget | undefined): string | undefined {
  if (entry === null || entry === undefined || typeof entry === 'string') return entry ?? undefined;
  return pickTarget(entry.browser ?? entry.import ?? entry.default);
}

/** `name` → its browser entry (when it has one) and `name/` → the folder its subpaths live in, under `base`. */
function entriesOf(name: string, pkg: PackageJson, base: string): Record<string, string> {
  const url = (target: string) => new URL(target, `http://x${base}`).pathname;
  const exportsMap = pkg.exports && !Object.keys(pkg.exports).some((k) => k.startsWith('.')) ? { '.': pkg.exports } : pkg.exports;
  const entry = exportsMap ? pickTarget(exportsMap['.']) : (pkg.module ?? pkg.main ?? 'index.js');
  // A subpath pattern ("./*.js": "./public/*.js") moves `name/`; lit has none and maps as is.
  const pattern = pickTarget(exportsMap?.['./*'] ?? exportsMap?.['./*.js']) ?? './';
  const entries: Record<string, string> = { [`${name}/`]: url(pattern.slice(0, pattern.lastIndexOf('/') + 1)) };
  if (entry) entries[name] = url(entry);
  return entries;
}

/**
 * Creates the import map of the podlet in `podletDir` (its package.json's `dependencies`, and
 * theirs, transitively): `name` → its browser entry and `name/` → its folder, as URLs under
 * NODE_MODULES_PATH keyed by `<name>@<version>`. A package that resolves to another version from
 * inside another package gets a scope keyed by that package's folder. `@podlets/<other>` is a
 * package like any other when installed (or linked by workspaces); a dependency that is not
 * installed is left out with a warning, so a podlet previews with no sibling podlets around it.
 */
export function createDevImportMap(podletDir: string): DevImportMap {
  const imports: Record<string, string> = {};
  const scopes: Record<string, Record<string, string>> = {};
  const packages = new Map<string, string>();
  const warnings: string[] = [];
  const topLevel = new Map<string, string>();
  const expanded = new Set<string>();
  const visit = (name: string, fromDir: string, scopeUrl: string | null, recurse: boolean) => {
    if (name.startsWith('@types/')) return; // types only, nothing the browser loads
    const dir = findInstalledPackage(name, fromDir);
    if (dir === null) {
      if (!warnings.some((w) => w.includes(`"${name}"`))) {
        warnings.push(`podmap dev: "${name}" is not installed (from ${fromDir}); it is left out of the import map. Run npm install.`);
      }
      return;
    }
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
    const key = `${name}@${pkg.version ?? '0.0.0'}`;
    if (!packages.has(key)) packages.set(key, dir);
    const entries = entriesOf(name, pkg, `${NODE_MODULES_PATH}${key}/`);
    if (!topLevel.has(name)) {
      topLevel.set(name, key);
      Object.assign(imports, entries);
    } else if (topLevel.get(name) !== key && scopeUrl) {
      Object.assign((scopes[scopeUrl] ??= {}), entries);
    }
    if (!recurse || expanded.has(key)) return;
    expanded.add(key);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, `${NODE_MODULES_PATH}${key}/`, true);
  };
  const own = JSON.parse(readFileSync(path.join(podletDir, 'package.json'), 'utf8')) as PackageJson;
  const deps = Object.keys(own.dependencies ?? {});
  // The podlet's own dependencies take the top level first, so one of its libraries' dependency
  // on another major (design's lit 3 beside geo's lit 2) gets a scope instead of taking it.
  for (const dep of deps) visit(dep, podletDir, null, false);
  for (const dep of deps) visit(dep, podletDir, null, true);
  const importMap = Object.keys(scopes).length > 0 ? { imports, scopes } : { imports };
  return { importMap, packages, warnings };
}
