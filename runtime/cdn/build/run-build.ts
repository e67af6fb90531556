import path from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { PRODUCTION_DEFINE } from './cjs-named-exports.ts';
import { BUILTIN_MARKER, NODE_ONLY, OUTPUT_MARKER } from './build-markers.ts';
import { createBuildPlugin } from './create-build-plugin.ts';
import { findStarReexports } from './find-star-reexports.ts';
import type { ReexportedNames } from './read-reexports.ts';
import { wrapCommonjsEntry } from './wrap-commonjs-entry.ts';

/** The state of one package's browser build, shared by its steps. */
export interface BuildContext {
  manifest: PackageManifest;
  files: ReadonlyMap<string, Buffer>;
  /** Where the package's files were written for esbuild. */
  packageDir: string;
  /** Entry subpath → source file. */
  entries: Record<string, string>;
  /** Entry subpath → output path ("+/hooks.js"). */
  outputs: Map<string, string>;
  covered: Map<string, ReexportedNames>;
  /** Output path → bytes, filled by the steps. */
  built: Map<string, Buffer>;
  /** Entry subpath → why it has no output. */
  unavailable: Record<string, string>;
}

/** Above this many entry points, a failed build is not retried one entry at a time. */
const MAX_SINGLE_RETRIES = 40;

/**
 * Builds these entry points in one esbuild run (with shared chunks when there are several),
 * rewrites imports of the build's other outputs to relative URLs, and marks entry points that
 * reach a Node built-in, or that fail to build, unavailable.
 */
export async function runBuild(context: BuildContext, subpaths: string[]): Promise<void> {
  try {
    await buildOnce(context, subpaths);
  } catch (error) {
    if (subpaths.length === 1 || subpaths.length > MAX_SINGLE_RETRIES) {
      for (const subpath of subpaths) context.unavailable[subpath] = `the build failed: ${describe(error)}`;
      return;
    }
    for (const subpath of subpaths) await runBuild(context, [subpath]);
  }
}

/** One esbuild run over `subpaths`; throws when esbuild fails. */
async function buildOnce(context: BuildContext, subpaths: string[]): Promise<void> {
  const { virtual, entryPoints, outputs } = await prepareEntryPoints(context, subpaths);
  const mainOutput = subpaths.includes('.') ? null : (context.outputs.get('.') ?? null);
  const result = await build({
    ...BASE_OPTIONS,
    absWorkingDir: context.packageDir,
    outdir: context.packageDir,
    entryPoints,
    splitting: entryPoints.length > 1,
    plugins: [
      createBuildPlugin({
        name: context.manifest.name,
        packageDir: context.packageDir,
        outputs: context.outputs,
        covered: mainOutput && !context.unavailable['.'] ? context.covered : new Map(),
        mainOutput,
        virtual,
        files: context.files,
        browserField:
          typeof context.manifest.browser === 'object' && context.manifest.browser !== null
            ? (context.manifest.browser as Record<string, unknown>)
            : {},
      }),
    ],
  });
  const relative = (file: string) => path.relative(context.packageDir, file).split(path.sep).join('/');
  keepOutputFiles(context, result.outputFiles ?? [], outputs, entryPoints.length > 1, relative);
  markUnavailable(context, result.metafile!, outputs, relative);
}

/**
 * esbuild's entry points for `subpaths`, one per distinct output: the package's file, or a
 * virtual ES-module wrapper of a CommonJS one (`virtual`: its id → source). `outputs` maps each
 * output path to the subpath it was built for.
 */
async function prepareEntryPoints(context: BuildContext, subpaths: string[]) {
  const virtual = new Map<string, string>();
  const entryPoints: Array<{ in: string; out: string }> = [];
  const outputs = new Map<string, string>();
  for (const subpath of subpaths) {
    const output = context.outputs.get(subpath)!;
    if (outputs.has(output)) continue;
    outputs.set(output, subpath);
    const file = context.entries[subpath]!;
    const wrapper = await wrapCommonjsEntry(file, context.files, context.packageDir);
    const input = wrapper ? `podmap-virtual:${subpath}` : path.join(context.packageDir, file);
    if (wrapper) virtual.set(input, wrapper);
    entryPoints.push({ in: input, out: output.replace(/\.js$/, '') });
  }
  return { virtual, entryPoints, outputs };
}

/**
 * Keeps what esbuild wrote in `context.built`: each file with the star re-exports a shared chunk
 * took from its entry point put back (`split` builds only), and the build's output markers
 * replaced by URLs relative to the file.
 */
function keepOutputFiles(
  context: BuildContext,
  files: ReadonlyArray<{ path: string; text: string }>,
  outputs: ReadonlyMap<string, string>,
  split: boolean,
  relative: (file: string) => string,
): void {
  for (const out of files) {
    const name = relative(out.path);
    const subpath = outputs.get(name);
    const stars = subpath && split ? missingStarReexports(context, subpath, out.text) : '';
    const text = (out.text + stars).replace(new RegExp(`"${OUTPUT_MARKER}([^"]*)"`, 'g'), (_, subpath: string) =>
      JSON.stringify(relativeUrl(name, context.outputs.get(subpath) ?? context.outputs.get('.')!)),
    );
    context.built.set(name, Buffer.from(text));
  }
}

/**
 * `export * from '<package>'` lines for the other packages the entry point's file passes on
 * whole, where esbuild left them in a shared chunk instead of the entry point's output.
 */
function missingStarReexports(context: BuildContext, subpath: string, code: string): string {
  let lines = '';
  for (const specifier of findStarReexports(context.entries[subpath]!, context.files)) {
    const own = specifier === context.manifest.name || specifier.startsWith(`${context.manifest.name}/`);
    const target = own
      ? `${OUTPUT_MARKER}${specifier === context.manifest.name ? '.' : `.${specifier.slice(context.manifest.name.length)}`}`
      : specifier;
    const quoted = JSON.stringify(target);
    if (!new RegExp(`export\\s*\\*\\s*from\\s*${quoted.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).test(code))
      lines += `export*from${quoted};\n`;
  }
  return lines;
}

/** The esbuild options every browser build starts from; the shaken builds use them too (docs/shaken-builds.md). */
export const BASE_OPTIONS: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  // Export names that are strings ("module.exports", wrapCommonjsEntry): every browser that
  // has import maps supports them but Chrome 89, the first that had import maps.
  supported: { 'arbitrary-module-namespace-names': true },
  conditions: ['browser', 'production', 'module'],
  mainFields: ['browser', 'module', 'main'],
  define: { ...PRODUCTION_DEFINE, 'process.env': '{"NODE_ENV":"production"}', global: 'globalThis' },
  minify: true,
  legalComments: 'eof',
  chunkNames: '+/~chunks/[name]-[hash]',
  metafile: true,
  write: false,
  logLevel: 'silent',
};

/** Entry points whose output reaches a Node built-in, or an unavailable entry point, are unavailable. */
function markUnavailable(context: BuildContext, metafile: Metafile, outputs: Map<string, string>, relative: (f: string) => string): void {
  const imports = new Map(
    Object.entries(metafile.outputs).map(([file, info]) => [relative(path.resolve(context.packageDir, file)), info.imports]),
  );
  for (const output of outputs.keys()) {
    const reason = findBlocker(output, imports, context);
    if (!reason) continue;
    for (const [other, out] of context.outputs) if (out === output) context.unavailable[other] = reason;
    context.built.delete(output);
  }
}

function findBlocker(output: string, imports: Map<string, Metafile['outputs'][string]['imports']>, context: BuildContext): string | null {
  const seen = new Set<string>();
  const queue = [output];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    if (seen.has(current)) continue;
    seen.add(current);
    for (const item of imports.get(current) ?? []) {
      if (item.path.startsWith(BUILTIN_MARKER)) {
        const what = item.path.slice(BUILTIN_MARKER.length);
        return `${NODE_ONLY} ${what.endsWith('.node') ? 'loads the native addon' : 'imports the built-in'} "${what}"`;
      }
      if (item.path.startsWith(OUTPUT_MARKER)) {
        const subpath = item.path.slice(OUTPUT_MARKER.length);
        if (Object.hasOwn(context.unavailable, subpath)) return context.unavailable[subpath]!;
        continue;
      }
      if (!item.external) queue.push(item.path.replace(/^.*?\+\//, '+/'));
    }
  }
  return null;
}

/** The URL of output `to` relative to output `from`, both paths in the version folder. */
export function relativeUrl(from: string, to: string): string {
  const relative = path.posix.relative(path.posix.dirname(from), to);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

function describe(error: unknown): string {
  const first = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors?.[0];
  if (first) return `${first.text}${first.location ? ` (${first.location.file}:${first.location.line})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
