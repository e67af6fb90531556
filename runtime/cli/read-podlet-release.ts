import { readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { PodmapError } from '../shared/errors.ts';
import { walkFiles } from '../shared/files/walk-files.ts';

/** A podlet release as `podmap publish` sends it: the compiled files of public/, by path. */
export interface PodletRelease {
  name: string;
  version: string;
  files: Map<string, Buffer>;
  bytes: number;
}

// What bundlers put in their output and tsc never writes: their module runtimes and interop helpers.
const BUNDLER_MARKS = [/__webpack_require__/, /\b__commonJS\(/, /\b__toESM\(/, /\bSystem\.register\(/, /\bparcelRequire\b/, /\b__vite__/];

/**
 * Reads and checks the release of the podlet in `dir`: package.json's name (its unscoped part, or
 * `podmap.name`) and exact version, and every file of public/. Nothing may be bundled: each
 * module in public/ must come from a source of the same name in assets/ (when there is an
 * assets/ folder) and hold no bundler runtime. Throws PODMAP_ERR_PUBLISH_PACKAGE_JSON,
 * PODMAP_ERR_PUBLISH_NO_PUBLIC or PODMAP_ERR_PUBLISH_BUNDLED naming the file.
 */
export async function readPodletRelease(dir: string): Promise<PodletRelease> {
  const { name, version } = await readPodletPackage(dir);
  const publicDir = path.join(dir, 'public');
  const paths = await walkFiles(publicDir);
  if (!paths.some((file) => file.endsWith('.js'))) throw new PodmapError('PODMAP_ERR_PUBLISH_NO_PUBLIC', publicDir);
  const sources = new Set((await walkFiles(path.join(dir, 'assets'))).map((file) => file.replace(/\.(m?ts|tsx)$/, '')));
  const files = new Map<string, Buffer>();
  let bytes = 0;
  for (const file of paths) {
    const content = await readFile(path.join(publicDir, file));
    files.set(file, content);
    bytes += content.length;
    if (!/\.m?js$/.test(file)) continue;
    if (sources.size > 0 && !sources.has(file.replace(/\.m?js$/, ''))) {
      throw new PodmapError('PODMAP_ERR_PUBLISH_BUNDLED', `public/${file} has no source assets/${file.replace(/\.m?js$/, '.ts')}`);
    }
    const mark = BUNDLER_MARKS.find((pattern) => pattern.test(content.toString('utf8')));
    if (mark)
      throw new PodmapError('PODMAP_ERR_PUBLISH_BUNDLED', `public/${file} holds a bundler's runtime (${mark.source.replace(/\\/g, '')})`);
  }
  return { name, version, files, bytes };
}

/** The podlet's name and version from its package.json. */
async function readPodletPackage(dir: string): Promise<{ name: string; version: string }> {
  let pkg: { name?: unknown; version?: unknown; podmap?: { name?: unknown } };
  try {
    pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as typeof pkg;
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${path.join(dir, 'package.json')}: ${(error as Error).message}`);
  }
  // JSON that is not an object (null, an array, a string) has no fields to read below.
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${path.join(dir, 'package.json')} is not a JSON object`);
  }
  const name = pkg.podmap?.name ?? (typeof pkg.name === 'string' ? pkg.name.replace(/^@[^/]+\//, '') : undefined);
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `no podlet name: "name" (or "podmap.name") is ${JSON.stringify(name)}`);
  }
  if (typeof pkg.version !== 'string' || semver.valid(pkg.version) !== pkg.version) {
    throw new PodmapError(
      'PODMAP_ERR_PUBLISH_PACKAGE_JSON',
      `"version" must be an exact semver version, not ${JSON.stringify(pkg.version)}`,
    );
  }
  return { name, version: pkg.version };
}
