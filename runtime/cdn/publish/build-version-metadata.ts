import { integrityOf } from '../../shared/files/integrity-of.ts';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import { init as initLexer, parse as parseModule } from 'es-module-lexer';
import { collectExportEntries } from './collect-export-entries.ts';
import { contentTypeFor, isCompressible, isJavaScriptModule } from '../../shared/http/content-type-for.ts';
import type { FileEntry, PackageBuild, PackageKind, PackageManifest, VersionMetadata } from '../../shared/cdn-protocol/types.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** A version ready to be written: its metadata and the precompressed copies of its files. */
export interface BuiltVersion {
  metadata: VersionMetadata;
  compressed: Map<string, { br: Buffer; gzip: Buffer }>;
}

/**
 * Computes everything requests need about a version, once, at publish time: per file its size,
 * sha384 integrity, Content-Type, import specifiers (es-module-lexer) and brotli/gzip copies;
 * for the version its dependencies and the import-map entries it contributes. No I/O: the
 * caller has read the files and writes the result (writeVersion).
 */
export async function buildVersionMetadata(
  kind: PackageKind,
  manifest: PackageManifest,
  files: ReadonlyMap<string, Buffer>,
  build?: PackageBuild,
): Promise<BuiltVersion> {
  await initLexer;
  const entries: Record<string, FileEntry> = {};
  const compressed = new Map<string, { br: Buffer; gzip: Buffer }>();
  // Files are compressed a few at a time: zlib runs on libuv's thread pool, so this uses every
  // core instead of one (publishing lit and es-module-shims went from ~26 s to a few seconds).
  const paths = [...files.keys()].sort();
  const describe = async (path: string) => {
    const { entry, copies } = await describeFile(path, files.get(path)!, build);
    entries[path] = entry;
    if (copies) compressed.set(path, copies);
  };
  for (let i = 0; i < paths.length; i += 8) await Promise.all(paths.slice(i, i + 8).map(describe));
  const sorted = Object.fromEntries(paths.map((p) => [p, entries[p]!]));
  const dependencies = { ...manifest.optionalDependencies, ...manifest.dependencies };
  // A podlet release is a folder of modules, not a package with an entry point; a package with a
  // browser build is imported through its built entry points only.
  const exports =
    kind === 'podlet'
      ? { [`${manifest.name}/`]: './' }
      : build
        ? buildExports(manifest.name, build)
        : keepExisting(collectExportEntries(manifest), entries);
  const metadata: VersionMetadata = { kind, name: manifest.name, version: manifest.version, dependencies, exports, files: sorted };
  if (build) metadata.build = build;
  return { metadata, compressed };
}

/** One file's metadata entry (size, integrity, type, imports, encodings) and its compressed copies, if it keeps any. */
async function describeFile(
  path: string,
  bytes: Buffer,
  build: PackageBuild | undefined,
): Promise<{ entry: FileEntry; copies?: { br: Buffer; gzip: Buffer } }> {
  const type = contentTypeFor(path);
  const entry: FileEntry = { size: bytes.length, integrity: integrityOf(bytes), type };
  if (isJavaScriptModule(path)) Object.assign(entry, listImports(bytes));
  if (!isCompressible(type) || bytes.length === 0) return { entry };
  const copies = await compressForStore(path, bytes, build);
  // Keep the copies only when both are smaller: then a file has either both or neither, which
  // the generated nginx config relies on.
  if (copies.br.length >= bytes.length || copies.gzip.length >= bytes.length) return { entry };
  entry.encodings = { br: copies.br.length, gzip: copies.gzip.length };
  return { entry, copies };
}

/**
 * A file's brotli and gzip copies. Maximum brotli only for what pages load; source maps,
 * declarations and docs, and files over 1 MiB (es-module-shims ships a 4.7 MB TypeScript build:
 * 8 s at quality 11) get a cheaper setting. With a browser build, pages load only the built
 * modules under +/: the files as published (CommonJS, development builds, declarations) are kept
 * for anyone who asks, compressed cheaply. Quality 11 on react-dom's 1 MB development builds
 * alone took 10 s.
 */
async function compressForStore(path: string, bytes: Buffer, build: PackageBuild | undefined): Promise<{ br: Buffer; gzip: Buffer }> {
  const loadedByPages = build ? path.startsWith('+/') : /\.(m?js|css|html|svg)$/.test(path);
  const best = loadedByPages && bytes.length <= 1024 * 1024;
  const quality = best ? 11 : build ? 4 : 5;
  const [br, gzip] = await Promise.all([
    brotli(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: quality, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    gzipAsync(bytes, { level: best ? 9 : 6 }),
  ]);
  return { br, gzip };
}

/** Import-map entries of a built package: each available entry point to its built module. */
function buildExports(name: string, build: PackageBuild): Record<string, string> {
  return Object.fromEntries(
    Object.entries(build.entries)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([subpath, output]) => [subpath === '.' ? name : `${name}${subpath.slice(1)}`, `./${output}`]),
  );
}

/** Static and dynamic import specifiers written as string literals, and apart those only `import()` loads; [] for non-module code. */
function listImports(bytes: Buffer): { imports: string[]; dynamicImports?: string[] } {
  try {
    const [imports] = parseModule(bytes.toString('utf8'));
    const specifiers = new Set<string>();
    const statics = new Set<string>();
    // d === -2 is import.meta; `n` is undefined for dynamic imports of a computed expression; d > -1 is import().
    for (const item of imports) {
      if (item.d === -2 || item.n === undefined) continue;
      specifiers.add(item.n);
      if (item.d === -1) statics.add(item.n);
    }
    const dynamic = [...specifiers].filter((s) => !statics.has(s));
    return dynamic.length > 0 ? { imports: [...specifiers], dynamicImports: dynamic } : { imports: [...specifiers] };
  } catch {
    return { imports: [] };
  }
}

/**
 * Drops entries that point at files the version does not have, and all entries of a package
 * without JavaScript modules (types-only packages such as @types/trusted-types, which lit-html
 * depends on): the browser could import nothing through them.
 */
function keepExisting(exports: Record<string, string>, files: Record<string, FileEntry>): Record<string, string> {
  const paths = Object.keys(files);
  if (!paths.some(isJavaScriptModule)) return {};
  const kept: Record<string, string> = {};
  for (const [specifier, target] of Object.entries(exports)) {
    const relative = target.slice(2);
    const present = target.endsWith('/') ? paths.some((p) => p.startsWith(relative)) : Object.hasOwn(files, relative);
    if (present) kept[specifier] = target;
  }
  return kept;
}
