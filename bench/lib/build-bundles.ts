import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import type { RequestHandler } from './listen-tls.ts';

/** One built file, served at `/bundles/<kind>/<name>`. */
export interface BundleFile {
  raw: Buffer;
  br: Buffer;
  etag: string;
}

/** The kinds of bundle: B (one per page), S (split, one shared build), H (B SSR: one per page, lit's hydrate support first). */
export type BundleKind = 'b' | 's' | 'h';

/** The bundled baselines, by kind. */
export interface Bundles {
  /** URL path of each page's entry script, per kind: { b: { home: '/bundles/b/home-X.js' }, s: … }. */
  entries: Record<BundleKind, Record<string, string>>;
  files: Map<string, BundleFile>;
  /**
   * B's and B SSR's page bundles as esbuild's metafile tells them: per input file, the bytes it
   * keeps in the minified output (`bytesInOutput`), by kind and page name.
   */
  inputs: Record<'b' | 'h', Record<string, Record<string, number>>>;
}

/**
 * Builds the baselines with esbuild from the podlets' compiled modules (`podlets/<name>/public/`,
 * the same files podmap serves), bare specifiers resolved from each podlet's own node_modules,
 * so geo gets lit 2 as it does through the map. Minified, ES2022, browser conditions; names carry
 * a content hash, so they are served as immutable like podmap's versioned URLs.
 *
 * B builds each page on its own. S builds every page's entry in one build with `splitting`, so
 * code two pages share sits in chunks both pages load. H (B SSR) is B for the demo's own render
 * modes (`ssr`, from the podlets' podmap.json): its entry first imports what `hydrate` lists for
 * each of the page's podlets (its lit's hydrate support, then lit), each resolved as that podlet's
 * entry module resolves it, in page order, as the layout writes them: bundled modules run in import
 * order, so every lit is evaluated after its hydrate support and the server's shadow roots are
 * hydrated, not rendered again. It leaves out the modules of `serverOnly` podlets, as their pages
 * do (an ssr-only podlet's element is never defined).
 */
export async function buildBundles(
  root: string,
  workDir: string,
  pages: Record<string, string[]>,
  ssr: { hydrate: Record<string, string[] | undefined>; serverOnly: string[] } = { hydrate: {}, serverOnly: [] },
): Promise<Bundles> {
  const entryDir = join(workDir, 'entries');
  await mkdir(entryDir, { recursive: true });
  const entryPoints: Record<string, string> = {};
  const hydrateEntries: Record<string, string> = {};
  for (const [page, podlets] of Object.entries(pages)) {
    const modules = podlets.map((name) => join(root, 'podlets', name, 'public', `${name}.js`));
    for (const m of modules) if (!existsSync(m)) throw new Error(`bench: ${m} is missing; run "npm run build"`);
    const imports = (list: string[]) => list.map((m) => `import ${JSON.stringify(m)};\n`).join('');
    entryPoints[page] = join(entryDir, `${page}.js`);
    await writeFile(entryPoints[page], imports(modules));
    const first = podlets.flatMap((name) => (ssr.hydrate[name] ?? []).map((specifier) => `hydrate:${name}:${specifier}`));
    const loaded = modules.filter((_, i) => !ssr.serverOnly.includes(podlets[i]!));
    hydrateEntries[page] = join(entryDir, `${page}-hydrate.js`);
    await writeFile(hydrateEntries[page], imports([...first, ...loaded]));
  }
  const common: BuildOptions = {
    plugins: [withoutImportMeta, resolveFromPodlet(root)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    entryNames: '[name]-[hash]',
    logLevel: 'warning',
  };
  const files = new Map<string, BundleFile>();
  const entries: Bundles['entries'] = { b: {}, s: {}, h: {} };
  const inputs: Bundles['inputs'] = { b: {}, h: {} };
  const add = (kind: BundleKind, outputs: Array<{ path: string; contents: Uint8Array }>) => {
    for (const out of outputs) files.set(`/bundles/${kind}/${basename(out.path)}`, bundleFile(out.contents));
  };
  const entryName = (kind: BundleKind, page: string) => [...files.keys()].find((k) => k.startsWith(`/bundles/${kind}/${page}-`))!;
  for (const [page, file] of Object.entries(entryPoints)) {
    const result = await build({ ...common, entryPoints: { [page]: file }, outdir: join(workDir, 'b') });
    add('b', result.outputFiles!);
    entries.b[page] = entryName('b', page);
    inputs.b[page] = keptBytes(result.metafile!);
    const hydrating = await build({ ...common, entryPoints: { [page]: hydrateEntries[page]! }, outdir: join(workDir, 'h') });
    add('h', hydrating.outputFiles!);
    entries.h[page] = entryName('h', page);
    inputs.h[page] = keptBytes(hydrating.metafile!);
  }
  const split = await build({ ...common, entryPoints, splitting: true, chunkNames: 'chunk-[hash]', outdir: join(workDir, 's') });
  add('s', split.outputFiles!);
  for (const page of Object.keys(entryPoints)) entries.s[page] = entryName('s', page);
  return { entries, files, inputs };
}

/** A built file as served: its bytes, their brotli (quality 11) and an ETag of them. */
function bundleFile(contents: Uint8Array): BundleFile {
  const raw = Buffer.from(contents);
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return { raw, br, etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 32)}"` };
}

/** Per input file of a build, the bytes it keeps in the output (esbuild's bytesInOutput, summed over the outputs). */
function keptBytes(metafile: Metafile): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const out of Object.values(metafile.outputs))
    for (const [path, input] of Object.entries(out.inputs)) kept[path] = (kept[path] ?? 0) + input.bytesInOutput;
  return kept;
}

/**
 * footer and geo print which lit the map gave them with `import.meta.resolve('lit')`, which
 * throws on a page without an import map. In the bundles that call just returns the specifier.
 */
const withoutImportMeta: Plugin = {
  name: 'bench-without-import-meta-resolve',
  setup(b) {
    b.onLoad({ filter: /[\\/]podlets[\\/][^\\/]+[\\/]public[\\/][^\\/]+\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.resolve(', 'String('),
      loader: 'js',
    }));
  },
};

/** Resolves the H entry's `hydrate:<podlet>:<specifier>` imports as podlet `<podlet>`'s entry module resolves `<specifier>`. */
function resolveFromPodlet(root: string): Plugin {
  return {
    name: 'bench-resolve-from-podlet',
    setup(b) {
      b.onResolve({ filter: /^hydrate:/ }, async (args) => {
        const [, podlet, specifier] = /^hydrate:([^:]+):(.+)$/.exec(args.path)!;
        const resolved = await b.resolve(specifier!, { kind: 'import-statement', resolveDir: join(root, 'podlets', podlet!, 'public') });
        if (resolved.errors.length > 0) throw new Error(`bench: ${specifier} does not resolve from podlet ${podlet}`);
        return { path: resolved.path };
      });
    },
  };
}

/**
 * Serves built bundles like podmap serves versioned modules: brotli when accepted, immutable for a
 * year, ETag. Other paths go to `next`.
 */
export function serveBundles(files: Map<string, BundleFile>, next: RequestHandler): RequestHandler {
  return (req, res) => {
    const file = files.get((req.url ?? '/').split('?')[0]!);
    if (!file) return next(req, res);
    const br = /\bbr\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = br ? file.br : file.raw;
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: file.etag,
      vary: 'Accept-Encoding',
      'content-length': String(body.length),
      ...(br ? { 'content-encoding': 'br' } : {}),
    });
    res.end(body);
  };
}
