import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { version as esbuildVersion, type BuildOptions } from 'esbuild';
import { init as initLexer, parse } from 'es-module-lexer';
import type { PackageManifest, VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { mergeImportedNames, readImportedNames, type ImportedNames } from '../../shared/read-imported-names.ts';
import { createBuildPlugin } from '../build/create-build-plugin.ts';
import { findEntryPoints } from '../build/find-entry-points.ts';
import { runInBuildProcess } from '../build/run-in-build-process.ts';
import { BASE_OPTIONS } from '../build/run-build.ts';
import { wrapCommonjsEntry } from '../build/wrap-commonjs-entry.ts';
import { buildVersionMetadata } from '../publish/build-version-metadata.ts';
import { SHAKEN_DIR, type ShakenFileContents, type StoredShakenBuild } from '../store/shaken-build-store.ts';
import type { CdnStore } from '../store/cdn-store.ts';
import { dropForwardedStars } from './drop-forwarded-stars.ts';
import { ownEntryPoints } from './own-entry-points.ts';
import { NO_DEPENDENCY_FACTS, type DependencyFacts } from './read-dependency-facts.ts';
import { splitStarNames } from './split-star-names.ts';
import { exportsReader, missingStars, writeShakenEntry } from './write-shaken-entry.ts';
import { withPackageFolder } from './with-package-folder.ts';

/** Part of every build id: a new esbuild, or a change to how podmap shakes, makes new builds. */
export const SHAKEN_ENGINE = `esbuild ${esbuildVersion}; podmap shaken 2`;

/** Files a build can read: code and JSON. The rest of a package (docs, maps, types) never is. */
const BUILD_INPUT = /\.(m?[jt]sx?|c[jt]s|json)$/;
const DECLARATION = /\.d\.[mc]?ts$/;

/** One shaken build to make: the version, what the site takes from each full-build file, where it goes. */
export interface ShakenBuildInput {
  /** The store holding the version: its files are read in place from a folder, fetched into a temporary folder from a bucket. */
  store: CdnStore;
  metadata: VersionMetadata;
  /** Full-build file ("+/hooks.js") → the names the site takes from it, or "*". */
  roots: ReadonlyMap<string, ImportedNames>;
  id: string;
  timeoutMs: number;
  /** What the build knows of the packages it imports (readDependencyFacts); none when absent. */
  dependencies?: DependencyFacts;
}

/** A build's record and the files to write for it (writeShakenBuild). */
type ShakenBuildOutput = { build: StoredShakenBuild; contents: Map<string, ShakenFileContents> };

/**
 * Builds one package version shaken to `roots`, from the files as published, in one esbuild run
 * with splitting: every requested entry point is a module that re-exports only its names, the
 * package's imports of its own entry points are bundled in (not left to the map), so an entry
 * and a deep entry that share state share one chunk, and other packages stay bare imports.
 * Otherwise as the full build (BASE_OPTIONS, its plugin: CommonJS, `browser` field, Node
 * built-ins). Throws PODMAP_ERR_CDN_SHAKEN_TIMEOUT after `timeoutMs` (the build is cancelled)
 * and PODMAP_ERR_CDN_SHAKEN_FAILED for any other failure, a Node built-in reached included.
 * From a bucket, the files are first fetched into a temporary folder (withPackageFolder).
 */
export async function buildShakenPackage(input: ShakenBuildInput): Promise<ShakenBuildOutput> {
  // What a build can read: the code and JSON files as published, never the full build under "+/".
  const paths = Object.keys(input.metadata.files).filter((p) => !p.startsWith('+/') && BUILD_INPUT.test(p) && !DECLARATION.test(p));
  return withPackageFolder(input.store, input.metadata, paths, (packageDir) => buildFrom(input, packageDir, paths));
}

/** The build itself, from the package's files as published in `packageDir`. */
async function buildFrom(input: ShakenBuildInput, packageDir: string, paths: readonly string[]): Promise<ShakenBuildOutput> {
  const { metadata } = input;
  await initLexer;
  const files = await readSources(packageDir, paths);
  const manifest = JSON.parse(files.get('package.json')?.toString('utf8') ?? '{}') as PackageManifest;
  const sources = findEntryPoints(manifest, files);
  const subpathOf = new Map(Object.entries(metadata.build?.entries ?? {}).map(([subpath, output]) => [output, subpath]));
  const facts = input.dependencies ?? NO_DEPENDENCY_FACTS;
  const { virtual, entryPoints, outputOf, forwarded, forwardedIn } = await prepareEntries(
    input,
    { files, packageDir, sources, subpathOf },
    facts,
  );
  if (entryPoints.length === 0) throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_FAILED', 'none of the requested entry points is built');
  const sideEffectFree = new Set(facts.sideEffectFree);
  const outputs = await runEsbuild(input, {
    manifest,
    files,
    packageDir,
    sources,
    virtual,
    entryPoints,
    sideEffectFree,
    forwarded,
    forwardedIn,
  });
  const built = new Map<string, Buffer>();
  for (const out of outputs) {
    const name = path.relative(packageDir, out.path).split(path.sep).join('/');
    const full = outputOf.get(name);
    const names = full === undefined ? undefined : input.roots.get(full);
    const stars = names === '*' ? missingStars(manifest.name, sources[subpathOf.get(full!)!]!, files, out.text) : '';
    built.set(name, Buffer.from(out.text + stars));
  }
  return describeBuild(input, built, outputOf);
}

/** Each requested entry point's esbuild entry (its re-export wrapper when shaken to names), and which full-build file each output replaces. */
async function prepareEntries(
  input: ShakenBuildInput,
  build: {
    files: ReadonlyMap<string, Buffer>;
    packageDir: string;
    sources: Record<string, string>;
    subpathOf: ReadonlyMap<string, string>;
  },
  facts: DependencyFacts,
) {
  const virtual = new Map<string, string>();
  const entryPoints: Array<{ in: string; out: string }> = [];
  const outputOf = new Map<string, string>();
  const forwarded = new Set<string>();
  const forwardedIn = new Set<string>();
  for (const [full, names] of input.roots) {
    const subpath = build.subpathOf.get(full);
    const source = subpath === undefined ? undefined : build.sources[subpath];
    if (!source) continue;
    const target = await targetOf(build, source, subpath!, virtual);
    const out = `${SHAKEN_DIR}/${input.id}/${full.slice(2).replace(/\.js$/, '')}`;
    outputOf.set(`${out}.js`, full);
    if (names === '*') entryPoints.push({ in: target, out });
    else {
      const split = target.startsWith('podmap-virtual:')
        ? null
        : await splitStarNames(source, build.files, names, exportsReader(facts), input.metadata.name);
      for (const specifier of split?.stars ?? []) forwarded.add(specifier);
      for (const file of split?.chain ?? []) forwardedIn.add(path.join(build.packageDir, file));
      virtual.set(`podmap-virtual:shaken:${full}`, writeShakenEntry(target, names, split));
      entryPoints.push({ in: `podmap-virtual:shaken:${full}`, out });
    }
  }
  // An entry built whole still passes its stars on: none is dropped then.
  if ([...input.roots.values()].includes('*')) forwarded.clear();
  return { virtual, entryPoints, outputOf, forwarded, forwardedIn };
}

/** The files at `paths` (the package's code and JSON as published), read from `packageDir`. */
async function readSources(packageDir: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (let i = 0; i < paths.length; i += 16) {
    await Promise.all(paths.slice(i, i + 16).map(async (p) => files.set(p, await readFile(path.join(packageDir, p)))));
  }
  return files;
}

/** What an entry re-exports from: its file, or for CommonJS the module that gives it named exports. */
async function targetOf(
  build: { files: ReadonlyMap<string, Buffer>; packageDir: string },
  source: string,
  subpath: string,
  virtual: Map<string, string>,
): Promise<string> {
  const wrapper = await wrapCommonjsEntry(source, build.files, build.packageDir);
  if (!wrapper) return path.join(build.packageDir, source);
  const id = `podmap-virtual:cjs:${subpath}`;
  virtual.set(id, wrapper);
  return id;
}

export interface EsbuildInput {
  manifest: PackageManifest;
  files: ReadonlyMap<string, Buffer>;
  packageDir: string;
  sources: Record<string, string>;
  virtual: ReadonlyMap<string, string>;
  entryPoints: Array<{ in: string; out: string }>;
  /** Packages whose unused imports esbuild may drop (their package.json says `"sideEffects": false`). */
  sideEffectFree: ReadonlySet<string>;
  /** Packages whose `export *` the entries replaced with names taken directly (dropForwardedStars)… */
  forwarded: ReadonlySet<string>;
  /** …in these files (absolute paths): the entries' chains of stars, and no other module of the package. */
  forwardedIn: ReadonlySet<string>;
}

/** One esbuild run in a build process (runShakenEsbuild), killed after the time-out; the output files, or a coded error. */
async function runEsbuild(input: ShakenBuildInput, build: EsbuildInput): Promise<Array<{ path: string; text: string }>> {
  const job = { from: import.meta.url, module: './run-shaken-esbuild', name: 'runShakenEsbuild', args: [input.id, build] };
  try {
    return await runInBuildProcess<Array<{ path: string; text: string }>>({ ...job, timeoutMs: input.timeoutMs });
  } catch (error) {
    const { name, version } = input.metadata;
    const code = error instanceof PodmapError ? error.code : null;
    if (code === 'PODMAP_ERR_CDN_BUILD_TIMEOUT')
      throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_TIMEOUT', `${name}@${version} after ${input.timeoutMs} ms`);
    if (code === 'PODMAP_ERR_CDN_BUILD_CRASHED')
      throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_FAILED', `${name}@${version}: ${(error as PodmapError).detail}`);
    throw error;
  }
}

/** The full build's options and plugin, with splitting, the shaken folder, and the package's own entry points bundled in. */
export function esbuildOptions(id: string, build: EsbuildInput): BuildOptions {
  const browserField = typeof build.manifest.browser === 'object' && build.manifest.browser !== null ? build.manifest.browser : {};
  return {
    ...BASE_OPTIONS,
    absWorkingDir: build.packageDir,
    outdir: build.packageDir,
    entryPoints: build.entryPoints,
    splitting: true,
    chunkNames: `${SHAKEN_DIR}/${id}/~chunks/[name]-[hash]`,
    // Minified after pruning unused imports, which finds uses by name (finishShakenOutput).
    minify: false,
    minifySyntax: true,
    minifyWhitespace: true,
    plugins: [
      ownEntryPoints(build.manifest.name, build.packageDir, build.sources),
      dropForwardedStars(build.forwarded, build.forwardedIn),
      createBuildPlugin({
        name: build.manifest.name,
        packageDir: build.packageDir,
        outputs: new Map(),
        covered: new Map(),
        mainOutput: null,
        virtual: build.virtual,
        files: build.files,
        browserField: browserField as Record<string, unknown>,
        sideEffectFree: build.sideEffectFree,
      }),
    ],
  };
}

/** The stored record and the files to write: sizes, hashes, compressed copies, and what the files import from other packages. */
async function describeBuild(
  input: ShakenBuildInput,
  built: ReadonlyMap<string, Buffer>,
  outputOf: ReadonlyMap<string, string>,
): Promise<ShakenBuildOutput> {
  const { metadata, id } = input;
  // The "+/" rule of the full build applies: what pages load is compressed at the best setting.
  const described = await buildVersionMetadata('npm', { name: metadata.name, version: metadata.version }, built, {
    entries: {},
    unavailable: {},
  });
  const imports: Record<string, ImportedNames> = {};
  const contents = new Map<string, ShakenFileContents>();
  for (const [file, bytes] of built) {
    contents.set(file, { bytes, copies: described.compressed.get(file) });
    const source = bytes.toString('utf8');
    for (const item of parse(source)[0]) {
      if (item.n === undefined || item.t === 3 || /^(\.|\/)/.test(item.n)) continue;
      imports[item.n] = mergeImportedNames(imports[item.n], readImportedNames(source, item));
    }
  }
  const replaces: Record<string, string> = {};
  for (const [output, full] of outputOf) if (built.has(output)) replaces[full] = output;
  return { build: { id, name: metadata.name, version: metadata.version, replaces, files: described.metadata.files, imports }, contents };
}
