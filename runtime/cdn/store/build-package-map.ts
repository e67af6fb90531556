import { PodmapError } from '../../shared/errors.ts';
import { isJavaScriptModule } from '../../shared/http/content-type-for.ts';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { chooseVersion } from './version-line.ts';

/** A standard import map with root-relative URLs, as `GET /-/map/…` serves it. */
export interface PackageImportMap {
  imports: Record<string, string>;
  scopes: Record<string, Record<string, string>>;
  integrity: Record<string, string>;
}

/** What buildPackageMap needs to know about the store, gathered by loadPackageMap. */
export interface StoreSnapshot {
  /** Exact versions per npm package name. */
  available: Readonly<Record<string, readonly string[]>>;
  /** Metadata of npm versions by "name@version"; must hold every version the closure reaches. */
  metadata: ReadonlyMap<string, VersionMetadata>;
}

/** The root URL of a version on the CDN, ending with "/"; scopes are keyed by it. */
export function versionRootUrl(kind: string, name: string, version: string): string {
  return `/${kind}/${name}@${version}/`;
}

/**
 * Builds the import map of `root` and its dependencies, transitively. Each dependency range is
 * met by the newest version in `store` that satisfies it. Packages are placed breadth-first, so
 * the version nearest the root takes `imports`; a package whose own dependency resolves to
 * another version gets a scope keyed by its root URL. `integrity` covers every JavaScript
 * module of every package in the closure. Pure. Throws PODMAP_ERR_CDN_DEPENDENCY_MISSING when
 * a range has no version in the store.
 */
export function buildPackageMap(root: VersionMetadata, store: StoreSnapshot): PackageImportMap {
  const map: PackageImportMap = { imports: {}, scopes: {}, integrity: {} };
  const topLevel = new Map<string, string>([[root.name, root.version]]);
  const visited = new Set<VersionMetadata>([root]);
  addEntries(map.imports, root);
  const queue: VersionMetadata[] = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    addIntegrity(map.integrity, current);
    for (const [name, range] of Object.entries(current.dependencies).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const dependency = resolveDependency(current, name, range, store);
      const placed = topLevel.get(name);
      if (placed === undefined) {
        topLevel.set(name, dependency.version);
        addEntries(map.imports, dependency);
      } else if (placed !== dependency.version) {
        const scope = versionRootUrl(current.kind, current.name, current.version);
        addEntries((map.scopes[scope] ??= {}), dependency);
      }
      if (!visited.has(dependency)) {
        visited.add(dependency);
        queue.push(dependency);
      }
    }
  }
  return map;
}

function resolveDependency(from: VersionMetadata, name: string, range: string, store: StoreSnapshot): VersionMetadata {
  const version = chooseVersion(store.available[name] ?? [], range);
  const metadata = version === null ? undefined : store.metadata.get(`${name}@${version}`);
  if (!metadata) {
    throw new PodmapError('PODMAP_ERR_CDN_DEPENDENCY_MISSING', `${from.name}@${from.version} needs ${name}@${range}`);
  }
  return metadata;
}

function addEntries(target: Record<string, string>, metadata: VersionMetadata): void {
  const root = versionRootUrl(metadata.kind, metadata.name, metadata.version);
  for (const [specifier, relative] of Object.entries(metadata.exports)) {
    target[specifier] = root + relative.replace(/^\.\//, '');
  }
}

function addIntegrity(target: Record<string, string>, metadata: VersionMetadata): void {
  const root = versionRootUrl(metadata.kind, metadata.name, metadata.version);
  for (const [path, file] of Object.entries(metadata.files)) {
    if (isJavaScriptModule(path)) target[root + encodePath(path)] = file.integrity;
  }
}

/**
 * A stored relative path as it appears in a URL, encoded as a browser's URL parser leaves a path:
 * sub-delimiters such as "+" (the build folder) and "@" stay as they are, so integrity keys
 * match the URLs that modules are requested by.
 */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%(2B|40|3A|24|26|2C|3B|3D)/g, (escape) => decodeURIComponent(escape)))
    .join('/');
}
