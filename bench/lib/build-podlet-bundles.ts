import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import semver from 'semver';
import type { BundleFile } from './build-bundles.ts';

/** One bundle per page, served at `/bundles/p/<page>-<hash>.js` (serveBundles serves `files`). */
export interface PodletBundles {
  /** URL path of each page's bundle: { '/': '/bundles/p/home-X.js', … }. */
  entries: Record<string, string>;
  files: Map<string, BundleFile>;
  /** Per page: the bundle's bytes, minified and brotli 11. */
  sizes: Record<string, { raw: number; br: number }>;
  /**
   * Per page: minified bytes each package ("date-fns@2.30.0") or podlet ("podlet p-vue") takes in
   * the bundle, from esbuild's metafile (bytesInOutput, before compression).
   */
  bytesByPackage: Record<string, Record<string, number>>;
  /** Per podlet: its dependency name → the folder under `installDir/node_modules` it was bundled from. */
  resolved: Record<string, Record<string, string>>;
}

/**
 * The baseline for podlets that are not in this repository's workspaces (the real-packages
 * fixtures): one esbuild bundle per page of the podlets' entry modules (`<podlet>/public/<name>.js`,
 * the same files the podlets serve to podmap pages), minified, `process.env.NODE_ENV` production,
 * with the conditions and definitions the CDN's browser builds use (runtime/cdn/build/run-build.ts),
 * so both pick the same files of each package.
 *
 * The fixtures have no node_modules: their packages are installed once in `installDir`, with a
 * second major under an npm alias (`date-fns-2`, `uuid-9`, `zod-3`). Each podlet's bare imports
 * resolve to the installed folder whose name and version match its package.json range, as its
 * own `npm install` would; the packages' own imports resolve from where they are installed.
 */
export async function buildPodletBundles(options: {
  installDir: string;
  podletsDir: string;
  pages: Record<string, { name: string; podlets: string[] }>;
  workDir: string;
}): Promise<PodletBundles> {
  const { installDir, podletsDir } = options;
  const resolved = await resolveDependencies(installDir, podletsDir, [...new Set(Object.values(options.pages).flatMap((p) => p.podlets))]);
  const plugin = perPodletPlugin(installDir, podletsDir, resolved);
  const out: PodletBundles = { entries: {}, files: new Map(), sizes: {}, bytesByPackage: {}, resolved };
  const packageOf = packageOfFile(podletsDir);
  for (const [path, page] of Object.entries(options.pages)) {
    const stdin = page.podlets.map((p) => `import ${JSON.stringify(join(podletsDir, p, 'public', `${p}.js`))};\n`).join('');
    const result = await build({
      stdin: { contents: stdin, resolveDir: podletsDir, sourcefile: `${page.name}.js`, loader: 'js' },
      plugins: [plugin],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['browser', 'production', 'module'],
      mainFields: ['browser', 'module', 'main'],
      define: { 'process.env.NODE_ENV': '"production"', 'process.env': '{"NODE_ENV":"production"}', global: 'globalThis' },
      minify: true,
      metafile: true,
      write: false,
      outfile: join(options.workDir, `${page.name}.js`),
      logLevel: 'warning',
    });
    const raw = Buffer.from(result.outputFiles.find((f) => f.path.endsWith('.js'))!.contents);
    const br = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    const hash = createHash('sha256').update(raw).digest('base64url');
    const url = `/bundles/p/${page.name}-${hash.slice(0, 8)}.js`;
    out.files.set(url, { raw, br, etag: `"${hash.slice(0, 32)}"` });
    out.entries[path] = url;
    out.sizes[path] = { raw: raw.length, br: br.length };
    const byPackage: Record<string, number> = {};
    for (const output of Object.values(result.metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const key = await packageOf(resolve(input));
        byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
      }
    }
    out.bytesByPackage[path] = byPackage;
  }
  return out;
}

/** Per podlet: each dependency of its package.json → the installed folder whose name and version match its range. */
async function resolveDependencies(installDir: string, podletsDir: string, podletNames: string[]): Promise<PodletBundles['resolved']> {
  const installed = await readInstalled(installDir);
  const resolved: PodletBundles['resolved'] = {};
  for (const name of podletNames) {
    const pkg = JSON.parse(await readFile(join(podletsDir, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    resolved[name] = {};
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      const match = installed.find((i) => i.name === dep && semver.satisfies(i.version, range));
      if (!match) throw new Error(`bench: no installed ${dep} satisfies ${range} (podlet ${name}); installed: ${installDir}`);
      resolved[name][dep] = match.folder;
    }
  }
  return resolved;
}

/** Resolves a podlet's bare imports to the folder its package.json range picked; packages' own imports resolve as usual. */
function perPodletPlugin(installDir: string, podletsDir: string, resolved: PodletBundles['resolved']): Plugin {
  return {
    name: 'bench-podlet-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        const podlet = podletOf(podletsDir, args.importer);
        if (!podlet) return undefined;
        const m = /^((?:@[^/]+\/)?[^/]+)(.*)$/.exec(args.path)!;
        const folder = resolved[podlet]?.[m[1]!];
        if (!folder) return { errors: [{ text: `podlet ${podlet} imports ${args.path}, which its package.json does not declare` }] };
        const r = await b.resolve(`${folder}${m[2]}`, { kind: args.kind, resolveDir: installDir });
        if (r.errors.length > 0) return { errors: r.errors };
        return { path: r.path, namespace: r.namespace, external: r.external, sideEffects: r.sideEffects, suffix: r.suffix };
      });
    },
  };
}

/** "name@version" of the installed package a bundled file belongs to, "podlet <name>" for a podlet's module. */
function packageOfFile(podletsDir: string): (file: string) => Promise<string> {
  const names = new Map<string, Promise<string>>();
  return async (file) => {
    const podlet = podletOf(podletsDir, file);
    if (podlet) return `podlet ${podlet}`;
    const at = file.lastIndexOf(`${sep}node_modules${sep}`);
    if (at === -1) return `other ${file}`;
    const rest = file.slice(at + '/node_modules/'.length).split(sep);
    const dir = file.slice(0, at + '/node_modules/'.length) + rest.slice(0, rest[0]!.startsWith('@') ? 2 : 1).join(sep);
    if (!names.has(dir))
      names.set(
        dir,
        readFile(join(dir, 'package.json'), 'utf8').then((text) => {
          const pkg = JSON.parse(text) as { name: string; version: string };
          return `${pkg.name}@${pkg.version}`;
        }),
      );
    return names.get(dir)!;
  };
}

/** The podlet whose folder holds `file`, or null (a package's own module). */
function podletOf(podletsDir: string, file: string): string | null {
  if (!file.startsWith(podletsDir + sep)) return null;
  return file.slice(podletsDir.length + 1).split(sep)[0] ?? null;
}

/** The install folder's direct dependencies: folder name (an alias for a second major), package name, version. */
async function readInstalled(installDir: string): Promise<Array<{ folder: string; name: string; version: string }>> {
  const manifest = JSON.parse(await readFile(join(installDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return Promise.all(
    Object.keys(manifest.dependencies).map(async (folder) => {
      const pkg = JSON.parse(await readFile(join(installDir, 'node_modules', folder, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      return { folder, name: pkg.name, version: pkg.version };
    }),
  );
}
