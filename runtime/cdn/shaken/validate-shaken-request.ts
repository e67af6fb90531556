import { SHAKEN_REQUEST_LIMITS, type ShakenRequest } from '../../shared/cdn-protocol/shaken-builds.ts';
import { PodmapError } from '../../shared/errors.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { validatePackageName } from '../store/validate-package-name.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= SHAKEN_REQUEST_LIMITS.stringLength;
const SUBPATH = /^\.(?:\/[^/]+)*$/;

/**
 * Checks the parsed body of `POST /-/shaken`: `{ packages: { "name@exact": "*" | { subpath: "*" |
 * [names] } } }`, every name as the store's path rules want it and within SHAKEN_REQUEST_LIMITS.
 * Throws PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID naming the first problem. Pure.
 */
export function validateShakenRequest(value: unknown): ShakenRequest {
  const fail = (what: string): never => {
    throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID', what.slice(0, 300));
  };
  if (!isObject(value) || !isObject(value.packages)) return fail('the body must be {"packages": {…}}');
  const keys = Object.keys(value.packages);
  if (keys.length > SHAKEN_REQUEST_LIMITS.packages) fail(`more than ${SHAKEN_REQUEST_LIMITS.packages} package versions`);
  for (const key of keys) {
    const at = key.lastIndexOf('@');
    try {
      if (at <= 0) throw new Error('not name@version');
      validatePackageName(key.slice(0, at), 'npm');
      if (!('exact' in parseVersionRef(key.slice(at + 1)))) throw new Error('not an exact version');
    } catch (error) {
      fail(`${JSON.stringify(key.slice(0, 200))}: ${(error as Error).message}`);
    }
    checkRoots(key, value.packages[key], fail);
  }
  return value as unknown as ShakenRequest;
}

function checkRoots(key: string, roots: unknown, fail: (what: string) => never): void {
  if (roots === '*') return;
  if (!isObject(roots)) fail(`${key}: "*" or an object of entry subpaths`);
  const subpaths = Object.keys(roots as object);
  if (subpaths.length > SHAKEN_REQUEST_LIMITS.entriesPerPackage)
    fail(`${key}: more than ${SHAKEN_REQUEST_LIMITS.entriesPerPackage} entry points`);
  for (const subpath of subpaths) {
    if (!isName(subpath) || !SUBPATH.test(subpath)) fail(`${key}: ${JSON.stringify(subpath.slice(0, 200))} is not an entry subpath`);
    const names = (roots as Record<string, unknown>)[subpath];
    if (names === '*') continue;
    if (!Array.isArray(names) || names.length > SHAKEN_REQUEST_LIMITS.namesPerEntry || !names.every(isName)) {
      fail(`${key} ${subpath}: "*" or a list of at most ${SHAKEN_REQUEST_LIMITS.namesPerEntry} names`);
    }
  }
}
