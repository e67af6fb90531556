import { randomBytes } from 'node:crypto';
import { createConfigError } from '../../shared/errors.ts';
import type { PageAssets } from '../assets/page-assets.ts';

export interface CspOptions {
  /**
   * More sources for `script-src`, for browsers without `'strict-dynamic'` (CSP level 2), which
   * fall back to the host list. The layout already lists its own origin and every origin the
   * page's map, preloads and scripts point at.
   */
  scriptSrc?: string[];
  /** Sent as `report-uri`, where browsers POST violation reports. */
  reportUri?: string;
}

/** What a page's `style-src` allows besides its own origin and the nonce. */
export interface StyleSources {
  /** Origins of the page's stylesheets (the layout's and its podlets'). */
  origins: string[];
  /** Hash-sources of the `<style>` blocks its server-rendered podlets emit. */
  hashes: string[];
}

/** A fresh nonce for one response: 128 random bits, base64 (CSP's `nonce-source` grammar). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The `Content-Security-Policy` of one page. Called by the layout for each response, with that
 * response's nonce.
 *
 * Scripts run only when they carry the nonce: the import map, the loader snippet, es-module-shims,
 * entry scripts and modulepreload links all do. `'strict-dynamic'` lets what they load run too:
 * a module script's static and dynamic imports inherit its nonce (HTML's fetch options), whatever
 * their origin, and so do es-module-shims' blob: modules and the script the loader snippet
 * inserts. Browsers that know `'strict-dynamic'` ignore the host list; it is there for those that
 * do not. Import maps are inline scripts to Chromium: without the nonce the map is refused.
 *
 * `style-src` allows the layout's origin, the page's stylesheet origins, the nonce (the layout's
 * own `<style>`) and the declared hash of each `<style>` block a server-rendered podlet emits in
 * its declarative shadow roots; no other inline style, attributes included. Constructed
 * stylesheets (lit's adoptedStyleSheets) and styles set through the CSSOM are not inline style.
 */
export function buildContentSecurityPolicy(
  nonce: string,
  hostSources: string[],
  options: CspOptions & {
    /** The layout serves a service worker: `worker-src 'self'`. */ worker?: boolean;
    /** The page's style sources; without them, style-src allows the origin and the nonce only. */ style?: StyleSources;
  } = {},
): string {
  const sources = [...new Set([...hostSources, ...(options.scriptSrc ?? [])])].sort();
  for (const source of [...sources, options.reportUri ?? '']) assertCspSource(source);
  const directives = [
    `script-src 'nonce-${nonce}' 'strict-dynamic' 'self'${sources.map((s) => ` ${s}`).join('')}`,
    styleSourceList(nonce, options.style ?? { origins: [], hashes: [] }),
    "object-src 'none'",
    "base-uri 'none'",
  ];
  // A worker script is not covered by 'strict-dynamic' in every engine; the layout's own origin is.
  if (options.worker) directives.push("worker-src 'self'");
  if (options.reportUri) directives.push(`report-uri ${options.reportUri}`);
  return directives.join('; ');
}

/** The `style-src` directive: each source checked, the hashes quoted as CSP wants them. */
function styleSourceList(nonce: string, style: StyleSources): string {
  const origins = [...new Set(style.origins)].sort();
  const hashes = [...new Set(style.hashes)].sort();
  for (const source of [...origins, ...hashes]) assertCspSource(source);
  return `style-src 'self' 'nonce-${nonce}'${[...origins, ...hashes.map((h) => `'${h}'`)].map((s) => ` ${s}`).join('')}`;
}

/** Throws PODMAP_ERR_CONFIG_CSP_SOURCE unless `source` stays one source: a space, ";" or "," would add sources or directives. */
export function assertCspSource(source: string): void {
  if (typeof source !== 'string' || /[\s;,]/.test(source)) throw createConfigError('PODMAP_ERR_CONFIG_CSP_SOURCE', JSON.stringify(source));
}

const SAFE_ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d+)?$|^https?:\/\/\[[0-9a-f:.]+\](:\d+)?$/;

/** The origins a page loads scripts from: every URL in its map, preloads, entry scripts and es-module-shims. */
export function scriptOriginsOf(assets: Pick<PageAssets, 'map' | 'preloads' | 'scripts' | 'shimUrl'>): string[] {
  return originsOf([
    ...Object.values(assets.map.imports),
    ...Object.values(assets.map.scopes ?? {}).flatMap((scope) => Object.values(scope)),
    ...assets.preloads.map((p) => p.href),
    ...assets.scripts.map((s) => s.src),
    ...(assets.shimUrl ? [assets.shimUrl] : []),
  ]);
}

/** The origins a page loads stylesheets from: the layout's own `layoutCss` and its podlets'. */
export function styleOriginsOf(assets: Pick<PageAssets, 'stylesheets'>, layoutCss: readonly string[]): string[] {
  return originsOf([...assets.stylesheets.map((s) => s.href), ...layoutCss]);
}

/** The plain http(s) origins of absolute URLs; relative ones are the page's own ('self'). */
function originsOf(urls: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const url of urls) {
    try {
      const { origin, protocol } = new URL(url);
      if (protocol !== 'http:' && protocol !== 'https:') continue; // blob:http://x has an http origin too
      // Only plain http(s) origins. Anything else would widen the policy (data:, blob:), and a
      // host may legally hold ";" or "," (http://a;b/), which would end the directive and
      // start another one of the attacker's choosing.
      if (SAFE_ORIGIN.test(origin)) origins.add(origin);
    } catch {
      // a relative URL resolves against the page: 'self' covers it
    }
  }
  return [...origins];
}
