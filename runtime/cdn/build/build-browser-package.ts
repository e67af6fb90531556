import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { init as initLexer } from 'es-module-lexer';
import type { PackageBuild, PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { findEntryPoints } from './find-entry-points.ts';
import { readReexports } from './read-reexports.ts';
import { runBuild, type BuildContext } from './run-build.ts';
import { runInBuildProcess } from './run-in-build-process.ts';
import { writeEntryModule } from './write-entry-module.ts';

/** Built modules, by path in the version folder ("+/index.js"), and what the metadata says about them. */
export interface BrowserBuild {
  files: Map<string, Buffer>;
  build: PackageBuild;
}

/** Up to this many entry points besides the main one are built together, sharing chunks. */
const MAX_SPLIT_ENTRIES = 64;
const PARALLEL_BUILDS = 4;
/** Files written for esbuild at a time (the thread pool has 4 threads; more keeps them busy). */
const PARALLEL_WRITES = 16;
/** Extensions esbuild loads without a loader option, and files with none: all a build can read. */
const BUILD_INPUT = /(\.(m?[jt]sx?|c[jt]s|json|css|txt)|(^|\/)[^./]+)$/;
/** Declarations end in .ts but hold no code: no build needs them. */
const DECLARATION = /\.d\.[mc]?ts$/;

/** The wall-clock budget of one npm package's browser build: date-fns 4's 740 entry points take about 10 s on two shared cores. */
export const NPM_BUILD_TIMEOUT_MS = 60_000;

/** Where built modules live in a version folder; the originals stay where the package put them. */
export const BUILD_DIR = '+';

/**
 * The browser build of an npm package, made once at publish time with esbuild: one ES module per
 * public entry point (findEntryPoints), minified, with `process.env.NODE_ENV` set to
 * "production", CommonJS turned into ES modules with named exports, relative imports resolved
 * to files, and every other package left as a bare import for the page's import map.
 *
 * The main entry is built first, whole. Entry points whose file the main module re-exports
 * (date-fns's `addDays`, lodash-es's `debounce`) become two-line modules over it; the others are
 * built together with their shared code in chunks, taking what the main module re-exports from
 * the main build. So every entry point shares one instance of the package's state, and a page
 * that imports the package pays a few modules, not one per source file.
 *
 * An entry point that reaches a Node built-in, or that esbuild cannot build, is left out and
 * listed in `unavailable` with the reason. Returns null for a package with no JavaScript entry
 * point (types, CSS).
 *
 * The build runs in a build process of its own (runInBuildProcess): input that crashes or hangs
 * esbuild stops that process only. Throws PODMAP_ERR_CDN_BUILD_TIMEOUT when it takes longer than
 * `timeoutMs` (NPM_BUILD_TIMEOUT_MS unless given), PODMAP_ERR_CDN_BUILD_CRASHED when the process
 * or its esbuild dies first; both name the package.
 */
export async function buildBrowserPackage(
  manifest: PackageManifest,
  files: ReadonlyMap<string, Buffer>,
  options: { timeoutMs?: number } = {},
): Promise<BrowserBuild | null> {
  try {
    return await runInBuildProcess<BrowserBuild | null>({
      from: import.meta.url,
      module: './build-browser-package',
      name: buildBrowserPackageInProcess.name,
      args: [manifest, files],
      timeoutMs: options.timeoutMs ?? NPM_BUILD_TIMEOUT_MS,
    });
  } catch (error) {
    const stopped =
      error instanceof PodmapError && (error.code === 'PODMAP_ERR_CDN_BUILD_TIMEOUT' || error.code === 'PODMAP_ERR_CDN_BUILD_CRASHED');
    if (!stopped) throw error;
    throw new PodmapError(error.code, `${manifest.name}@${manifest.version}: ${error.detail}`);
  }
}

/** buildBrowserPackage's work, in this process: what its build process runs. */
export async function buildBrowserPackageInProcess(
  manifest: PackageManifest,
  files: ReadonlyMap<string, Buffer>,
): Promise<BrowserBuild | null> {
  const entries = findEntryPoints(manifest, files);
  if (Object.keys(entries).length === 0) return null;
  await initLexer;
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-build-'));
  try {
    await writeBuildInputs(dir, files);
    const context: BuildContext = {
      manifest,
      files,
      packageDir: dir,
      entries,
      outputs: outputNames(entries),
      covered: entries['.'] ? readReexports(entries['.'], files) : new Map(),
      built: new Map(),
      unavailable: {},
    };
    const main = entries['.'];
    if (main) await runBuild(context, ['.']);
    const rest: string[] = [];
    for (const [subpath, file] of Object.entries(entries)) {
      if (subpath === '.' || context.outputs.get(subpath) === context.outputs.get('.')) continue;
      if (main && !context.unavailable['.'] && context.covered.has(file)) writeEntryModule(context, subpath);
      else rest.push(subpath);
    }
    if (rest.length <= MAX_SPLIT_ENTRIES) {
      if (rest.length > 0) await runBuild(context, rest);
    } else {
      // Hundreds of entry points (date-fns's fp/ and locale/, rxjs's internal/*) built together
      // would split into a chunk per source file, and `date-fns/locale` alone would load a
      // hundred modules: past a handful, each is built on its own, importing what the main
      // module re-exports from the main build.
      for (let i = 0; i < rest.length; i += PARALLEL_BUILDS) {
        await Promise.all(rest.slice(i, i + PARALLEL_BUILDS).map((subpath) => runBuild(context, [subpath])));
      }
    }
    return { files: context.built, build: describeBuild(context) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the files a build can read into `dir`: code, JSON (package.json, tsconfig.json, imported
 * data), CSS, text and files without an extension. Declarations (code-free, imported by no
 * module) are left out, and so are source maps, docs and images, which esbuild has no loader for
 * (an import of one fails either way, with another message): half of an icon set's 40,000 files.
 * Several at a time, each folder made once: one after another, with a mkdir each, writing every
 * file of such a package took longer than building it.
 */
async function writeBuildInputs(dir: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  const inputs = [...files.keys()].filter((file) => BUILD_INPUT.test(file) && !DECLARATION.test(file));
  for (const folder of new Set(inputs.map((file) => path.dirname(path.join(dir, file))))) await mkdir(folder, { recursive: true });
  for (let i = 0; i < inputs.length; i += PARALLEL_WRITES) {
    await Promise.all(inputs.slice(i, i + PARALLEL_WRITES).map((file) => writeFile(path.join(dir, file), files.get(file)!)));
  }
}

/**
 * Entry subpath → output path: "." → "+/index.js", "./hooks" → "+/hooks.js". Subpaths that load
 * one file share one output ("./debounce" and "./debounce.js"); two files that would get one
 * name are told apart with "~2".
 */
function outputNames(entries: Record<string, string>): Map<string, string> {
  const byFile = new Map<string, string>();
  const taken = new Set<string>();
  const outputs = new Map<string, string>();
  const ordered = Object.entries(entries).sort(([a], [b]) => (a === '.' ? -1 : b === '.' ? 1 : a.length - b.length || (a < b ? -1 : 1)));
  for (const [subpath, file] of ordered) {
    let output = byFile.get(file);
    if (!output) {
      const base = subpath === '.' ? 'index' : subpath.slice(2).replace(/\.(m?js|cjs)$/, '') || 'index';
      output = `${BUILD_DIR}/${base}.js`;
      for (let n = 2; taken.has(output); n++) output = `${BUILD_DIR}/${base}~${n}.js`;
      taken.add(output);
      byFile.set(file, output);
    }
    outputs.set(subpath, output);
  }
  return outputs;
}

function describeBuild(context: BuildContext): PackageBuild {
  const entries: Record<string, string> = {};
  for (const [subpath, output] of context.outputs) {
    if (!Object.hasOwn(context.unavailable, subpath) && context.built.has(output)) entries[subpath] = output;
  }
  return { entries, unavailable: context.unavailable };
}
