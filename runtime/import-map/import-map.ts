/**
 * The shape of an import map as the HTML spec defines it, plus the types podmap uses to talk
 * about what podlets need and what they expose.
 */
export type SpecifierMap = Record<string, string>;

/** A standard import map. podmap only ever writes absolute URLs into one. */
export interface ImportMap {
  imports: SpecifierMap;
  scopes?: Record<string, SpecifierMap>;
  integrity?: Record<string, string>;
}

/** What one podlet on a page asks of the map (from its podmap.json, resolved to absolute URLs). */
export interface PodletNeeds {
  /** The podlet's name, unique in a layout. */
  name: string;
  /** The absolute URL of the folder its modules live in; ends with "/". Scopes are keyed by it. */
  base: string;
  /** npm package name → semver range, for every package its browser modules import. */
  needs: Record<string, string>;
  /** Bare specifier → absolute module URL, for the modules it offers to other podlets. */
  exposes: Record<string, string>;
  /** The podlet's own npm package name and version; a need for that package is met by its exposes. */
  packageName?: string;
  packageVersion?: string;
}

/** An empty, fresh import map. */
export function createImportMap(): Required<ImportMap> {
  return { imports: {}, scopes: {}, integrity: {} };
}

/** Sets an own property, also for the key "__proto__" (which an assignment would take for the prototype). */
export function setEntry(record: SpecifierMap, key: string, url: string): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value: url, enumerable: true, writable: true, configurable: true });
  else record[key] = url;
}
