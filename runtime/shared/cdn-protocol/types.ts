/** The two trees of the store: npm packages and podlet releases. */
export type PackageKind = 'npm' | 'podlet';

export const packageKinds: readonly PackageKind[] = ['npm', 'podlet'];

/** What the store knows about one file of a published version; computed once at publish time. */
export interface FileEntry {
  /** Bytes of the uncompressed file. */
  size: number;
  /** `sha384-<base64>` of the uncompressed bytes, as an import map's `integrity` wants it. */
  integrity: string;
  /** The Content-Type the file is served with. */
  type: string;
  /** JavaScript modules only: every import specifier written as a string literal, as written. */
  imports?: string[];
  /**
   * Those of `imports` the module only loads with `import()` (absent when none, and in metadata
   * written before it was recorded): a page maps them when it can, never preloads them, and one
   * it cannot resolve is no reason to leave a podlet out.
   */
  dynamicImports?: string[];
  /** Precompressed variants and their sizes in bytes; absent when compression would not pay. */
  encodings?: { br: number; gzip: number };
  /**
   * Podlet releases: set when the CDN stores a minified copy of the file (docs/cdn.md, "Minified
   * podlet releases"): the size and integrity of the file as the release published it. `size` and
   * `integrity` above are always those of the bytes served.
   */
  published?: { size: number; integrity: string };
  /** Podlet releases: set on a file the CDN added, which the release did not have (a minified file's source map). */
  generated?: true;
}

/** The document behind `GET /-/<kind>/<name>@<exact>` (docs/cdn.md), stored as meta.json. */
export interface VersionMetadata {
  kind: PackageKind;
  name: string;
  version: string;
  /** The package's `dependencies` (npm range per package name). */
  dependencies: Record<string, string>;
  /** Import-map entries the package itself contributes, values relative to its root ("./x.js"). */
  exports: Record<string, string>;
  /** Every file of the version by its path relative to the version root ("index.js"). */
  files: Record<string, FileEntry>;
  /** npm packages: the browser build made at publish time, stored beside the original files. */
  build?: PackageBuild;
}

/**
 * A package's browser build (docs/cdn.md, "Browser builds"): one ES module per public entry
 * point under `+/`, private internals in shared chunks, other packages left as bare imports.
 */
export interface PackageBuild {
  /** Entry subpath ("." or "./hooks") → its built module, relative to the version root ("+/index.js"). */
  entries: Record<string, string>;
  /** Entry subpath → why a browser cannot run it ('imports the Node built-in "fs"'); these have no built module. */
  unavailable: Record<string, string>;
}

/** The subset of package.json the CDN reads. */
export interface PackageManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  exports?: unknown;
  browser?: unknown;
  module?: string;
  main?: string;
  files?: string[];
  [key: string]: unknown;
}

/** The document behind `GET /-/<kind>/<name>`: a package's versions and the newest of each compatibility line. */
export interface PackageVersions {
  name: string;
  versions: string[];
  /** Compatibility line ("3", or "0.4" below 1.0.0) → the newest exact version in it. */
  majors: Record<string, string>;
}
