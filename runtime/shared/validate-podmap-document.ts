import { PodmapError } from './errors.ts';
import { isPackageName } from './is-package-name.ts';

/**
 * What podmap needs from a podlet beyond Podium's manifest, served as `podmap.json` beside
 * `manifest.json` (Podium's schema allows no extra top-level properties; docs/decisions/0001).
 * URLs in it are relative to the document's own URL.
 */
export interface PodmapDocument {
  podmap: 1;
  /** The podlet's npm package; a need for this package is met by its exposes. */
  package: { name: string; version: string };
  /** The folder its modules are served from; ends with "/". Immutable per version. */
  base: string;
  /** npm package → semver range, for every package its browser modules import. */
  needs: Record<string, string>;
  /** Bare specifier (under the package name) → module path relative to base. */
  exposes: Record<string, string>;
  /** Module path relative to base → static import specifiers as written. */
  modules: Record<string, string[]>;
  /**
   * Bare specifier → the export names its modules import from it, sorted ("default" for a default
   * import), or "*" for everything (`import * as`, `export *`, a dynamic import). Absent (podlets
   * before it) means everything for every specifier (docs/shaken-builds.md).
   */
  importedNames?: Record<string, string[] | '*'>;
  /** Module path → its dynamic imports of string literals; not preloaded, and never a reason to leave the podlet out. */
  dynamicImports?: Record<string, string[]>;
  /** Where the podlet renders its fragment; absent means 'client' (docs/render-modes.md). */
  render?: 'client' | 'ssr-only' | 'hydrate';
  /** CSP hash-sources ("sha256-<base64>") of every `<style>` block its server-rendered shadow roots emit. */
  styleHashes?: string[];
  /**
   * With render 'hydrate': bare specifiers the page evaluates, in this order, before any module
   * (lit's hydrate support, then lit), resolved from the podlet's modules (docs/render-modes.md).
   */
  hydrate?: string[];
}

/**
 * The layout's limits on a podmap.json, beyond the 1 MiB body (docs/import-maps.md, "Limits").
 * Far above any real podlet (the demo's largest has 3 needs and 12 modules), and low enough that
 * planning a page of many podlets stays in milliseconds: a document of 75 000 needs used to stall
 * a rebuild for seconds and take the layout past 1 GB.
 */
export const PODMAP_LIMITS = {
  needs: 1_000,
  exposes: 1_000,
  modules: 10_000,
  /** Import specifiers of one module. */
  specifiersPerModule: 1_000,
  /** Import specifiers of all modules together. */
  specifiers: 100_000,
  /** Every string: names, ranges, paths, specifiers, keys included. */
  stringLength: 2_048,
  /** Style hashes: one per styled element class is far fewer. */
  styleHashes: 1_000,
  /** Specifiers in `hydrate`: a support and a lit need two. */
  hydrate: 8,
  /** Specifiers in importedNames (each is also in a module's imports, so `specifiers` bounds it too). */
  importedSpecifiers: 10_000,
  /** Names in importedNames, all specifiers together. */
  importedNames: 100_000,
} as const;

/** A CSP hash-source for sha256, sha384 or sha512: nothing a policy could read as another source or directive. */
const STYLE_HASH = /^sha(?:256|384|512)-[A-Za-z0-9+/]{43,86}={0,2}$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRecordOf = (value: unknown, check: (v: unknown) => boolean): value is Record<string, never> =>
  isObject(value) && Object.entries(value).every(([k, v]) => k.length > 0 && k.length <= PODMAP_LIMITS.stringLength && check(v));
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= PODMAP_LIMITS.stringLength;

/** A specifier that remaps nothing but a bare name: not a URL, not absolute, not relative. */
const isBare = (s: unknown): boolean => isString(s) && !/^(?:\/|\.\.?\/)|:/.test(s);

/** `hydrate` is a short list of bare specifiers: PODMAP_ERR_PODMAP_TOO_LARGE or `fail` otherwise. */
function checkHydrate(value: unknown, fail: (what: string) => never): void {
  if (Array.isArray(value) && value.length > PODMAP_LIMITS.hydrate) {
    throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `more than ${PODMAP_LIMITS.hydrate} hydrate specifiers`);
  }
  if (!Array.isArray(value) || !value.every(isBare)) fail('"hydrate" must be a list of bare specifiers');
}

/** Throws PODMAP_ERR_PODMAP_TOO_LARGE before anything walks a document over PODMAP_LIMITS. */
function checkLimits(doc: Record<string, unknown>): void {
  const tooMany = (field: 'needs' | 'exposes' | 'modules'): void => {
    const value = doc[field];
    // Counted without copying: a for…in stops at the limit instead of building a 75 000-key array.
    let count = 0;
    if (isObject(value)) for (const key in value) if (Object.hasOwn(value, key) && ++count > PODMAP_LIMITS[field]) break;
    if (count > PODMAP_LIMITS[field]) throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `more than ${PODMAP_LIMITS[field]} ${field}`);
  };
  tooMany('needs');
  tooMany('exposes');
  tooMany('modules');
  checkImportLimits(doc);
  if (!isObject(doc.modules)) return;
  let total = countSpecifiers(doc.dynamicImports);
  if (total > PODMAP_LIMITS.specifiers)
    throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `the modules import more than ${PODMAP_LIMITS.specifiers} specifiers`);
  for (const [path, specifiers] of Object.entries(doc.modules)) {
    const count = Array.isArray(specifiers) ? specifiers.length : 0;
    if (count > PODMAP_LIMITS.specifiersPerModule)
      throw new PodmapError(
        'PODMAP_ERR_PODMAP_TOO_LARGE',
        `module ${path.slice(0, 100)} imports more than ${PODMAP_LIMITS.specifiersPerModule}`,
      );
    if ((total += count) > PODMAP_LIMITS.specifiers)
      throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `the modules import more than ${PODMAP_LIMITS.specifiers} specifiers`);
  }
}

/** Throws PODMAP_ERR_PODMAP_TOO_LARGE for importedNames or dynamicImports over PODMAP_LIMITS, counting before copying. */
function checkImportLimits(doc: Record<string, unknown>): void {
  const names = doc.importedNames;
  if (isObject(names)) {
    let specifiers = 0;
    let total = 0;
    for (const key in names) {
      if (!Object.hasOwn(names, key)) continue;
      if (++specifiers > PODMAP_LIMITS.importedSpecifiers)
        throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `more than ${PODMAP_LIMITS.importedSpecifiers} importedNames`);
      const list = names[key];
      if (Array.isArray(list) && (total += list.length) > PODMAP_LIMITS.importedNames)
        throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `more than ${PODMAP_LIMITS.importedNames} imported names`);
    }
  }
  let modules = 0;
  if (isObject(doc.dynamicImports)) for (const key in doc.dynamicImports) if (Object.hasOwn(doc.dynamicImports, key)) modules++;
  if (modules > PODMAP_LIMITS.modules)
    throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `more than ${PODMAP_LIMITS.modules} dynamicImports`);
}

/** The specifiers of a modules-like record, counted once it is known to be small enough to walk. */
function countSpecifiers(record: unknown): number {
  if (!isObject(record)) return 0;
  let count = 0;
  for (const list of Object.values(record)) count += Array.isArray(list) ? list.length : 0;
  return count;
}

/** The optional import fields: importedNames lists names or is "*"; dynamicImports maps paths to specifiers. */
function checkImportFields(doc: Record<string, unknown>, fail: (what: string) => never): void {
  if (doc.importedNames !== undefined && !isRecordOf(doc.importedNames, (v) => v === '*' || (Array.isArray(v) && v.every(isString)))) {
    fail('"importedNames" must map specifiers to lists of names or "*"');
  }
  if (doc.dynamicImports !== undefined && !isRecordOf(doc.dynamicImports, (v) => Array.isArray(v) && v.every(isString))) {
    fail('"dynamicImports" must map paths to specifier lists');
  }
}

/**
 * Checks a podmap.json body fetched from a podlet. Throws PODMAP_ERR_PODMAP_TOO_LARGE when it is
 * over PODMAP_LIMITS (checked first, so an oversized document costs no more than counting its
 * keys), else PODMAP_ERR_PODMAP_INVALID naming the first thing that is wrong; the layout then
 * treats the podlet as a plain Podium podlet and logs the code. `package.name` must pass
 * isPackageName (the rule the CDN applies too) and every exposed specifier be a bare one; which
 * namespaces a podlet may expose under is the layout's decision
 * (runtime/import-map/grant-namespaces.ts), not the podlet's.
 */
export function validatePodmapDocument(value: unknown): PodmapDocument {
  const fail = (what: string): never => {
    throw new PodmapError('PODMAP_ERR_PODMAP_INVALID', what);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const doc = value as Record<string, unknown>;
  checkLimits(doc);
  if (doc.podmap !== 1) fail('"podmap" must be 1');
  const pkg = doc.package as Record<string, unknown> | undefined;
  if (!pkg || !isPackageName(pkg.name) || !isString(pkg.version)) fail('"package" needs a valid npm name and a version');
  if (!isString(doc.base) || !(doc.base as string).endsWith('/')) fail('"base" must be a URL ending in "/"');
  if (!isRecordOf(doc.needs, isString)) fail('"needs" must map package names to ranges');
  if (!isRecordOf(doc.exposes, isString)) fail('"exposes" must map specifiers to module paths');
  if (!isRecordOf(doc.modules, (v) => Array.isArray(v) && v.every(isString))) fail('"modules" must map paths to specifier lists');
  checkImportFields(doc, fail);
  if (doc.render !== undefined && !['client', 'ssr-only', 'hydrate'].includes(doc.render as string)) {
    fail('"render" must be "client", "ssr-only" or "hydrate"');
  }
  if (doc.styleHashes !== undefined) {
    const hashes = doc.styleHashes;
    if (Array.isArray(hashes) && hashes.length > PODMAP_LIMITS.styleHashes) {
      throw new PodmapError('PODMAP_ERR_PODMAP_TOO_LARGE', `more than ${PODMAP_LIMITS.styleHashes} styleHashes`);
    }
    if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string' && STYLE_HASH.test(h))) {
      fail('"styleHashes" must be a list of CSP hash-sources such as "sha256-<base64>"');
    }
  }
  if (doc.hydrate !== undefined) checkHydrate(doc.hydrate, fail);
  for (const specifier of Object.keys(doc.exposes as object)) {
    // A URL-like key would remap a URL (a library's module on the CDN), not add a specifier.
    if (/^(?:\/|\.\.?\/)|:/.test(specifier)) fail(`exposed "${specifier.slice(0, 100)}" is not a bare specifier`);
  }
  return value as PodmapDocument;
}
