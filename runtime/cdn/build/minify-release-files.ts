import { transform, type Loader } from 'esbuild';
import type { FileEntry } from '../../shared/cdn-protocol/types.ts';
import { PodmapError, type ErrorCode } from '../../shared/errors.ts';
import { integrityOf } from '../../shared/files/integrity-of.ts';
import { isJavaScriptModule } from '../../shared/http/content-type-for.ts';
import { runInBuildProcess } from './run-in-build-process.ts';

/** What the CDN stores for a podlet release: its files with modules and stylesheets minified. */
export interface MinifiedRelease {
  /** Every file to store: the release's own (minified where that paid) and the source maps added. */
  files: Map<string, Buffer>;
  /** Path → what its metadata entry adds: `published` for a file the CDN changed, `generated` for one it added. */
  notes: Map<string, Pick<FileEntry, 'published' | 'generated'>>;
  /** PODMAP_ERR_CDN_MINIFY_SKIPPED: one per file kept as published, and one for all the files a spent budget left; the caller logs them. */
  warnings: PodmapError[];
}

/**
 * What one release may cost esbuild, which runs in one service process shared by every publish and
 * browser build of the CDN's process. Deeply nested input overflows its parser's stack and stops
 * that service for the whole process: 262,144 `!` in a row did, 131,072 did not, and so a module or
 * stylesheet over `maxFileBytes` (half that) is not minified; a map beside it, which esbuild parses
 * as JSON, 2 MB of nested arrays did and 1 MB did not, so one over `maxMapBytes` keeps its file
 * unminified. Its minifier's time grows with the square of the nesting (20 KB of `if (a)` in a
 * row: 2.4 s), so once a release has taken `budgetMs`, no further file of it is started, and
 * esbuild cannot stop a file it has started, so after `timeoutMs` its build process is killed.
 */
export interface MinifyLimits {
  maxFileBytes: number;
  maxMapBytes: number;
  budgetMs: number;
  timeoutMs: number;
}

/**
 * The CDN's limits: podlet modules are tsc's output of one component each, a few KB to tens of
 * KB. A file started just before the 10 s budget has 5 s more to finish.
 */
export const DEFAULT_MINIFY_LIMITS: MinifyLimits = {
  maxFileBytes: 64 * 1024,
  maxMapBytes: 512 * 1024,
  budgetMs: 10_000,
  timeoutMs: 15_000,
};

/** How many files esbuild transforms at once: enough to keep its service fed, few enough that the files still running when the budget is spent are few. */
const CONCURRENCY = 4;

/**
 * Minifies each JavaScript module (`.js`, `.mjs`) and stylesheet (`.css`) of a podlet release on its
 * own, with esbuild's transform: nothing is bundled, so file names, URLs, imports (relative, bare,
 * dynamic), `import.meta.url` and export names stay as they are, and no syntax is lowered. Each
 * minified file ends with a `sourceMappingURL` comment naming its map beside it, `<file>.map`;
 * a map the release already had there (tsc's) is chained, so the new map leads to the sources it
 * led to. A file is kept as published when minifying does not make it smaller, and, with a
 * warning, when esbuild cannot parse it or its map, or warns about it (esbuild's CSS parser
 * repairs what it does not understand, which could change what the browser applies), or when it
 * is over the limits (MinifyLimits). Other files are returned untouched. No I/O; the input map is
 * not changed.
 *
 * esbuild runs in a build process (runInBuildProcess), so that input which stops or holds it
 * reaches no other publish or build: when that process crashes, or is killed after
 * `limits.timeoutMs`, the whole release is returned as published, with one warning saying why.
 */
export async function minifyReleaseFiles(
  files: ReadonlyMap<string, Buffer>,
  limits: MinifyLimits = DEFAULT_MINIFY_LIMITS,
): Promise<MinifiedRelease> {
  const paths = [...files.keys()].filter((path) => loaderFor(path) !== null);
  if (paths.length === 0) return { files: new Map(files), notes: new Map(), warnings: [] };
  // Only what esbuild reads crosses to the build process: the modules, the stylesheets and their maps.
  const inputs = new Map<string, Buffer>();
  for (const path of paths) for (const name of [path, `${path}.map`]) if (files.has(name)) inputs.set(name, files.get(name)!);
  const release: MinifiedRelease = { files: new Map(files), notes: new Map(), warnings: [] };
  try {
    const sent = await runInBuildProcess<SentRelease>({
      from: import.meta.url,
      module: './minify-release-files',
      name: minifyReleaseFilesInProcess.name,
      args: [inputs, limits],
      timeoutMs: limits.timeoutMs,
    });
    for (const [path, bytes] of sent.files) release.files.set(path, bytes);
    release.notes = sent.notes;
    release.warnings = sent.warnings.map(({ code, detail }) => new PodmapError(code, detail));
  } catch (error) {
    const why = error instanceof PodmapError ? `${error.code}: ${error.detail}` : String(error);
    release.warnings.push(
      new PodmapError('PODMAP_ERR_CDN_MINIFY_SKIPPED', `${paths.length} files not minified, the minifier stopped (${why})`),
    );
  }
  return release;
}

/** A MinifiedRelease as it crosses from the build process: the warnings as their code and detail. */
type SentRelease = Omit<MinifiedRelease, 'warnings'> & { warnings: Array<{ code: ErrorCode; detail: string | undefined }> };

/** minifyReleaseFiles's esbuild work, in this process: what its build process runs. */
export async function minifyReleaseFilesInProcess(files: ReadonlyMap<string, Buffer>, limits: MinifyLimits): Promise<SentRelease> {
  const release: MinifiedRelease = { files: new Map(files), notes: new Map(), warnings: [] };
  const paths = [...files.keys()].filter((path) => loaderFor(path) !== null).sort();
  const started = performance.now();
  for (let i = 0; i < paths.length; i += CONCURRENCY) {
    if (performance.now() - started >= limits.budgetMs) {
      const rest = paths.slice(i);
      const detail = `${rest.length} of ${paths.length} files not minified, the release took its ${limits.budgetMs} ms: ${rest.slice(0, 5).join(', ')}${rest.length > 5 ? ', …' : ''}`;
      release.warnings.push(new PodmapError('PODMAP_ERR_CDN_MINIFY_SKIPPED', detail));
      break;
    }
    await Promise.all(paths.slice(i, i + CONCURRENCY).map((path) => minifyInto(release, files, path, limits)));
  }
  return { ...release, warnings: release.warnings.map(({ code, detail }) => ({ code, detail })) };
}

/** Minifies one file of `files` and records the result in `release`. */
async function minifyInto(release: MinifiedRelease, files: ReadonlyMap<string, Buffer>, path: string, limits: MinifyLimits): Promise<void> {
  const bytes = files.get(path)!;
  const mapPath = `${path}.map`;
  const inputMap = files.get(mapPath);
  const over =
    bytes.length > limits.maxFileBytes
      ? `${bytes.length} bytes, over the ${limits.maxFileBytes} the CDN minifies`
      : inputMap && inputMap.length > limits.maxMapBytes
        ? `its map has ${inputMap.length} bytes, over the ${limits.maxMapBytes} the CDN reads`
        : null;
  if (over) {
    release.warnings.push(new PodmapError('PODMAP_ERR_CDN_MINIFY_SKIPPED', `${path}: ${over}`));
    return;
  }
  const loader = loaderFor(path)!;
  const name = path.slice(path.lastIndexOf('/') + 1);
  let text: string;
  try {
    // Decoding must round-trip: a file that is not UTF-8 would come out with replacement characters.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    release.warnings.push(new PodmapError('PODMAP_ERR_CDN_MINIFY_SKIPPED', `${path}: not UTF-8`));
    return;
  }
  // esbuild chains a map given as a data URL in the last sourceMappingURL comment; that is how
  // the release's own map reaches it, since a transform reads no other file.
  const source = inputMap ? `${text}\n${mapComment(loader, `data:application/json;base64,${inputMap.toString('base64')}`)}` : text;
  let result: Awaited<ReturnType<typeof transform>>;
  try {
    result = await transform(source, { loader, minify: true, sourcemap: 'external', sourcefile: name, ...OPTIONS });
  } catch (error) {
    release.warnings.push(new PodmapError('PODMAP_ERR_CDN_MINIFY_SKIPPED', `${path}: ${describe(error)}`));
    return;
  }
  if (result.warnings.length > 0) {
    const detail = `${path}: ${result.warnings.map((w) => w.text).join('; ')}`;
    release.warnings.push(new PodmapError('PODMAP_ERR_CDN_MINIFY_SKIPPED', detail));
    return;
  }
  const minified = Buffer.from(`${result.code}${mapComment(loader, `${encodeURIComponent(name)}.map`)}\n`);
  // A file that is already minified (or tiny) would only grow by its comment: keep it, and its map.
  if (minified.length >= bytes.length) return;
  release.files.set(path, minified);
  release.notes.set(path, { published: { size: bytes.length, integrity: integrityOf(bytes) } });
  release.files.set(mapPath, Buffer.from(result.map));
  release.notes.set(mapPath, inputMap ? { published: { size: inputMap.length, integrity: integrityOf(inputMap) } } : { generated: true });
}

/**
 * esbuild's settings besides minify: `esnext` lowers nothing, so a release keeps the syntax it was
 * compiled to (podlets: ES2022); non-ASCII text stays UTF-8 (the CDN serves JavaScript and CSS as
 * UTF-8, and a module is always decoded as UTF-8) instead of growing into escapes; legal comments
 * (`/*!`, `@license`) stay where they are.
 */
const OPTIONS = { target: 'esnext', charset: 'utf8', legalComments: 'inline', logLevel: 'silent' } as const;

/** esbuild's loader for a file the CDN minifies; null for any other file. */
function loaderFor(path: string): Loader | null {
  if (isJavaScriptModule(path)) return 'js';
  return path.endsWith('.css') ? 'css' : null;
}

/** The comment that names a file's source map, in the syntax of its language. */
function mapComment(loader: Loader, url: string): string {
  return loader === 'css' ? `/*# sourceMappingURL=${url} */` : `//# sourceMappingURL=${url}`;
}

/** esbuild's first error as one line, with its position; any other error's message. */
function describe(error: unknown): string {
  const first = (error as { errors?: Array<{ text: string; location: { line: number; column: number } | null }> }).errors?.[0];
  if (!first) return error instanceof Error ? error.message : String(error);
  return first.location ? `${first.text} (line ${first.location.line}, column ${first.location.column})` : first.text;
}
