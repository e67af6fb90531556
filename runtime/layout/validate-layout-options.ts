import { createConfigError } from '../shared/errors.ts';
import { isHttpUrl } from '../shared/html.ts';
import { isPackageName } from '../shared/is-package-name.ts';
import { assertCspSource } from './render/content-security-policy.ts';
import type { LayoutOptions } from './layout-options.ts';

/**
 * Checks a layout's options before anything starts, so a typo fails at start-up with a coded
 * TypeError or RangeError (PODMAP_ERR_CONFIG_OPTION) instead of as a broken page later.
 */
export function validateLayoutOptions(options: LayoutOptions): void {
  const fail = (detail: string, Kind: TypeErrorConstructor | RangeErrorConstructor = TypeError) => {
    throw createConfigError('PODMAP_ERR_CONFIG_OPTION', detail, Kind);
  };
  if (typeof options !== 'object' || options === null) fail('createLayout() needs an options object');
  if (typeof options.cdnUrl !== 'string' || !isHttpUrl(options.cdnUrl))
    fail(`cdnUrl must be an http(s) URL, got ${JSON.stringify(options.cdnUrl)}`);
  if (typeof options.importMap?.imports !== 'object' || options.importMap.imports === null) fail('importMap needs an "imports" object');
  if (typeof options.podlets !== 'object' || options.podlets === null) fail('podlets must map podlet names to manifest URLs');
  for (const [name, url] of Object.entries(options.podlets)) {
    if (typeof url !== 'string' || !isHttpUrl(url)) fail(`podlets.${name} must be an http(s) manifest URL, got ${JSON.stringify(url)}`);
  }
  if (typeof options.pages !== 'object' || options.pages === null) fail('pages must map URL paths to pages');
  for (const [path, page] of Object.entries(options.pages)) {
    if (!path.startsWith('/')) fail(`page path ${JSON.stringify(path)} must start with "/"`);
    if (!Array.isArray(page?.podlets)) fail(`page "${path}" needs a podlets array`);
  }
  const numbers: Array<[string, unknown]> = [
    ['timeoutMs', options.timeoutMs],
    ['assetsTtlMs', options.assetsTtlMs],
    ['refetchIntervalMs', options.refetchIntervalMs],
    ['maxPages', options.maxPages],
    ...Object.entries(options.circuitBreaker ?? {}).map(([k, v]): [string, unknown] => [`circuitBreaker.${k}`, v]),
    ...Object.entries(options.cdnCacheSizes ?? {}).map(([k, v]): [string, unknown] => [`cdnCacheSizes.${k}`, v]),
  ];
  for (const [key, value] of numbers) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      fail(`${key} must be a positive number, got ${JSON.stringify(value)}`, RangeError);
    }
  }
  if (typeof options.csp === 'object' && options.csp !== null) {
    for (const source of [...(options.csp.scriptSrc ?? []), ...(options.csp.reportUri ? [options.csp.reportUri] : [])])
      assertCspSource(source);
  }
  if (options.mountOrigin !== undefined && (typeof options.mountOrigin !== 'string' || !isHttpUrl(options.mountOrigin))) {
    fail(`mountOrigin must be an http(s) origin, got ${JSON.stringify(options.mountOrigin)}`);
  }
  if (options.mode !== undefined && options.mode !== 'native' && options.mode !== 'shim') {
    fail(`mode must be "native" or "shim", got ${JSON.stringify(options.mode)}`);
  }
  if (options.circuitBreaker !== undefined) validateCircuitBreaker(options.circuitBreaker, fail);
  if (options.namespaces !== undefined) validateNamespaces(options, fail);
  if (options.context !== undefined && typeof options.context !== 'function') fail('context must be a function of the request');
}

/** `circuitBreaker`: an object of known thresholds; the cool-down options it once had are named as gone, not ignored. */
function validateCircuitBreaker(breaker: unknown, fail: (detail: string) => never): void {
  if (typeof breaker !== 'object' || breaker === null || Array.isArray(breaker)) fail('circuitBreaker must be an object');
  for (const key of Object.keys(breaker!)) {
    if (key === 'coolDownMs' || key === 'maxCoolDownMs')
      fail(`circuitBreaker.${key} is gone: an open circuit is probed in the background every probeIntervalMs instead`);
    if (key !== 'failureThreshold' && key !== 'probeIntervalMs') fail(`circuitBreaker.${key} is not an option`);
  }
}

/** `namespaces`: registered podlets → valid npm names, each granted once, none in the global map. */
function validateNamespaces(options: LayoutOptions, fail: (detail: string) => never): void {
  const { namespaces } = options;
  if (typeof namespaces !== 'object' || namespaces === null || Array.isArray(namespaces))
    fail('namespaces must map podlet names to arrays of package names');
  const grantedTo = new Map<string, string>();
  for (const [podlet, names] of Object.entries(namespaces!)) {
    if (!Object.hasOwn(options.podlets, podlet))
      throw createConfigError('PODMAP_ERR_CONFIG_UNKNOWN_PODLET', `namespaces names podlet "${podlet}"`);
    if (!Array.isArray(names)) fail(`namespaces.${podlet} must be an array of package names`);
    for (const name of names) {
      if (!isPackageName(name)) fail(`namespaces.${podlet}: ${JSON.stringify(name)} is not a valid npm package name`);
      const owner = grantedTo.get(name);
      if (owner !== undefined && owner !== podlet) fail(`namespaces: ${name} is granted to both "${owner}" and "${podlet}"`);
      grantedTo.set(name, podlet);
      // The global map's entries are never a podlet's to replace, granted or not.
      if (Object.keys(options.importMap.imports).some((key) => key === name || key.startsWith(`${name}/`)))
        fail(`namespaces.${podlet}: ${name} is in importMap`);
    }
  }
}
