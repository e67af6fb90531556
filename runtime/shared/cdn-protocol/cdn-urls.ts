/**
 * The asset CDN's URL protocol (docs/cdn.md), the one place that knows how its URLs are built
 * and read. The CDN serves by it, the nginx config is generated from it, and layouts and
 * podlets build and parse URLs with it.
 *
 *   /<kind>/<name>@<version>/<file>     a file of one version (exact: immutable; alias: 302)
 *   /-/<kind>/<name>                    the versions of a package (PackageVersions)
 *   /-/<kind>/<name>@<version>          per-file metadata of one version (VersionMetadata)
 *   /-/map/<kind>/<name>@<version>      the package's import map
 */
import type { PackageKind } from './types.ts';

/** A package name in a URL path: an optional "@scope/" and one segment, neither holding "@" or "/". */
export const CDN_NAME_PATTERN = '(?:@[^/@]+/)?[^/@]+';

/**
 * `Cache-Control` of everything under an exact version (its files, its metadata): published
 * versions never change. podmap's server and the nginx config it generates both send it.
 */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Seconds that alias redirects, version lists and package maps may be cached unless the CDN is
 * told otherwise (`aliasMaxAge`): a new version reaches pages within this time. podmap's server
 * and the nginx config it generates both default to it.
 */
export const DEFAULT_ALIAS_MAX_AGE_SECONDS = 300;

/** An exact version in a URL path (the aliases "3" or "0.4" never match it). */
export const CDN_EXACT_VERSION_PATTERN = '[0-9]+\\.[0-9]+\\.[0-9]+[^/]*';

// Anything may stand before /<kind>/: a CDN can be mounted under a path prefix.
const VERSIONED_URL = new RegExp(`^(.*?/(npm|podlet)/(${CDN_NAME_PATTERN})@([^/@]+)/)(.*)$`);

/** Where a URL points inside the CDN's tree of versions. */
export interface CdnLocation {
  /** The absolute URL of the version's folder, ending in "/". */
  root: string;
  kind: PackageKind;
  name: string;
  /** As written: an exact version or an alias. */
  version: string;
  /** The path below the version folder ("" for the folder itself). */
  file: string;
}

/** Reads a URL of the form `…/<kind>/<name>@<version>/<file>`; null for any other URL. */
export function parseCdnUrl(url: string): CdnLocation | null {
  const match = VERSIONED_URL.exec(url);
  if (!match) return null;
  const [, root, kind, name, version, file] = match as unknown as [string, string, PackageKind, string, string, string];
  return { root, kind, name, version, file };
}

/** "https://cdn/npm/@lit/reactive-element@2.1.1/x.js" → "https://cdn/npm/@lit/reactive-element@2.1.1/"; null off the CDN's tree. */
export function packageRootOf(url: string): string | null {
  return parseCdnUrl(url)?.root ?? null;
}

/** A file of one version, as an absolute URL against the CDN's base URL. */
export function cdnFileUrl(base: string, kind: PackageKind, name: string, version: string, file = ''): string {
  return new URL(`${kind}/${name}@${version}/${file}`, withSlash(base)).href;
}

/** The JSON endpoints of one package, as absolute URLs against the CDN's base URL. */
export function cdnApiUrl(base: string, what: 'versions' | 'metadata' | 'map', kind: PackageKind, name: string, version = ''): string {
  const path = what === 'versions' ? `-/${kind}/${name}` : `-/${what === 'map' ? 'map/' : ''}${kind}/${name}@${version}`;
  return new URL(path, withSlash(base)).href;
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
