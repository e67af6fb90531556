/**
 * The shaken-builds protocol between a layout and the asset CDN (docs/shaken-builds.md). The
 * layout POSTs, to `/-/shaken`, every npm package version its site can load, each with the
 * names the site's podlets import from its entry points; the CDN answers, per package version of
 * that set and of its dependencies, where the build shaken to what the whole site uses is, or
 * that it is not there yet. Until a version is "ready" the layout maps its full browser build.
 */
import type { FileEntry } from './types.ts';

/** The path of the endpoint, relative to the CDN's base URL. */
export const SHAKEN_BUILDS_PATH = '-/shaken';

/** The limits the CDN puts on a request (a larger one is refused with PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID). */
export const SHAKEN_REQUEST_LIMITS = {
  /** Bytes of the JSON body. */
  bodyBytes: 1024 * 1024,
  /** Package versions in one request: far above any site's. */
  packages: 2_000,
  /** Entry subpaths of one package version. */
  entriesPerPackage: 1_000,
  /** Names of one entry subpath. */
  namesPerEntry: 10_000,
  /** Length of any one string. */
  stringLength: 1_024,
} as const;

/**
 * What the site takes from one package version: entry subpath ("." or "./hooks") → the export
 * names imported from it ("default" for a default import; [] to run it only) or "*" for
 * everything; or "*" for the whole package as published (a podlet whose podmap.json does not say
 * what it imports). `{}` says the site imports nothing from it directly, only through other
 * packages: the CDN counts what those take.
 */
export type ShakenRoots = Record<string, string[] | '*'> | '*';

/** The body of `POST /-/shaken`. */
export interface ShakenRequest {
  /** "name@exact" of every npm package version the site's import maps can hold → what the site's own modules import from it. */
  packages: Record<string, ShakenRoots>;
}

/** Where one package version stands. */
export type ShakenBuildState =
  /** Built: map `replaces`' files to theirs; `files` describes the new files for preloads and integrity. */
  | { status: 'ready'; id: string; replaces: Record<string, string>; files: Record<string, FileEntry> }
  /** Queued or building, or waiting for the packages that import it to be shaken first: ask again later. */
  | { status: 'pending' }
  /** The build failed, timed out or was refused (the variant limit): use the full build; the code says which. */
  | { status: 'failed'; code: string; reason: string }
  /** Nothing to shake: the site takes everything, or a package that imports it is not shaken. */
  | { status: 'full'; reason: string };

/** The answer of `POST /-/shaken`: one state per package version of the request and of its dependencies. */
export interface ShakenAnswer {
  builds: Record<string, ShakenBuildState>;
}
