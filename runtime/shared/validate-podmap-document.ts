import { PodmapError } from './errors.ts';

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
}

const isRecordOf = (value: unknown, check: (v: unknown) => boolean): value is Record<string, never> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(check);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2048;

/**
 * Checks a podmap.json body fetched from a podlet. Throws PODMAP_ERR_PODMAP_INVALID naming the
 * first thing that is wrong; the layout then treats the podlet as a plain Podium podlet.
 */
export function validatePodmapDocument(value: unknown): PodmapDocument {
  const fail = (what: string): never => {
    throw new PodmapError('PODMAP_ERR_PODMAP_INVALID', what);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const doc = value as Record<string, unknown>;
  if (doc.podmap !== 1) fail('"podmap" must be 1');
  const pkg = doc.package as Record<string, unknown> | undefined;
  if (!pkg || !isString(pkg.name) || !isString(pkg.version)) fail('"package" needs a name and a version');
  if (!isString(doc.base) || !(doc.base as string).endsWith('/')) fail('"base" must be a URL ending in "/"');
  if (!isRecordOf(doc.needs, isString)) fail('"needs" must map package names to ranges');
  if (!isRecordOf(doc.exposes, isString)) fail('"exposes" must map specifiers to module paths');
  if (!isRecordOf(doc.modules, (v) => Array.isArray(v) && v.every(isString))) fail('"modules" must map paths to specifier lists');
  for (const specifier of Object.keys(doc.exposes as object)) {
    if (!specifier.startsWith(`${(pkg as { name: string }).name}/`)) fail(`exposed "${specifier}" is not under the package name`);
  }
  return value as PodmapDocument;
}
