import type { ImportMap } from '../../import-map/index.ts';
import type { PodmapError } from '../../shared/errors.ts';
import type { HydrateScript } from './find-hydrate-scripts.ts';

/** Everything a page's head needs; computed from cached manifests only, never from content. */
export interface PageAssets {
  /** The page's map, trimmed to the entries its module graph resolved through. */
  map: ImportMap;
  /**
   * The map before trimming (`imports` and `scopes` of every package version the page planned),
   * kept only by layouts with overrides on: an overridden page gets it (applyOverrides).
   */
  fullMap?: ImportMap;
  /** Every module of the page's graph, by the exact URL the map resolves it to. */
  preloads: Array<{ href: string; integrity?: string }>;
  scripts: Array<{ src: string; type?: string; integrity?: string }>;
  /** Modules evaluated before any script, in order, so that hydrating podlets hydrate (findHydrateScripts). */
  hydrate?: HydrateScript[];
  stylesheets: Array<{ href: string; media?: string }>;
  /** Podlets that get their fallback on this page, with the reason. */
  fallbackOnly: Map<string, PodmapError>;
  /** The es-module-shims URL for browsers without import maps, if the CDN has it. */
  shimUrl: string | null;
  shimIntegrity?: string;
  /** CSP hash-sources of the `<style>` blocks the page's server-rendered podlets emit (their podmap.json's styleHashes). */
  styleHashes?: string[];
  /** A shaken build the page could use is still being made: the assets are rebuilt soon (docs/shaken-builds.md). */
  shakenPending?: boolean;
}

/** Where es-module-shims is found on the CDN: a package, a compatibility line and a file in it. */
export interface ShimLocation {
  pkg: string;
  line: string;
  file: string;
}

/** Where layouts find es-module-shims on the CDN unless told otherwise. */
export const DEFAULT_SHIM: ShimLocation = { pkg: 'es-module-shims', line: '2', file: 'dist/es-module-shims.js' };

/** The assets of a page that cannot be composed at all: every podlet on it gets its fallback. */
export function fallbackAssets(podlets: readonly string[], error: PodmapError): PageAssets {
  return {
    map: { imports: {} },
    preloads: [],
    scripts: [],
    stylesheets: [],
    shimUrl: null,
    fallbackOnly: new Map(podlets.map((name) => [name, error])),
  };
}
