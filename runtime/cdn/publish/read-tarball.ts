import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { PodmapError } from '../../shared/errors.ts';
import { isSafeRelativePath } from '../../shared/files/is-safe-relative-path.ts';
import type { PackageContents } from './read-package-folder.ts';
import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import { readExportSubpaths } from '../build/read-export-subpaths.ts';

/** What a tarball may unpack to; every limit is checked as the bytes arrive. */
export interface TarballLimits {
  /** Most bytes the gzip stream may inflate to (tar headers included); default: defaultTarballLimits. */
  maxUnpackedBytes?: number;
  /** Most tar entries (files, folders, links); default: defaultTarballLimits. */
  maxEntries?: number;
  /** Largest single entry; default: defaultTarballLimits. */
  maxEntryBytes?: number;
  /** Largest package.json (PODMAP_ERR_CDN_MANIFEST_TOO_LARGE beyond); default: defaultTarballLimits. */
  maxManifestBytes?: number;
}

/**
 * The default limits. 256 MiB is several times the largest packages pages load; 50,000 entries
 * fits icon sets that ship one module per icon and format; no browser asset needs a 64 MiB file;
 * real package.json files are kilobytes, large exports maps a few hundred.
 */
export const defaultTarballLimits: Required<TarballLimits> = {
  maxUnpackedBytes: 256 * 1024 * 1024,
  maxEntries: 50_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxManifestBytes: 1024 * 1024,
};

/** Bytes allowed after the end-of-archive blocks: `npm pack` pads to 10 KiB records, nothing more. */
const maxTrailingBytes = 1024 * 1024;

/** The most bytes a tarball may unpack to by default; guards against a small upload that inflates hugely. */
export const maxUnpackedBytes = defaultTarballLimits.maxUnpackedBytes;

/** `npm`: an npm tarball, its package.json read and checked. `release`: a podlet release (readReleaseTarball). */
type TarballKind = 'npm' | 'release';

interface ReadState {
  kind: TarballKind;
  limits: Required<TarballLimits>;
  files: Map<string, Buffer>;
  entries: number;
  /** Tar bytes the entries seen so far need: headers and padded contents. */
  declared: number;
  failure: PodmapError | null;
}

/**
 * Reads an npm tarball (`npm pack` output: gzipped tar, files under one top folder, usually
 * `package/`) into memory. Only regular files are kept — links and devices are dropped, so a
 * tarball cannot point outside its version — and every path must pass isSafeRelativePath, or
 * the whole tarball is refused with PODMAP_ERR_CDN_TARBALL_INVALID. Dotfiles and
 * node_modules are skipped as `npm pack` would.
 *
 * Decompression and parsing stream, and stop (destroying the streams) the moment the inflated
 * bytes, the entry count, an entry's declared size or the bytes the declared sizes add up to
 * pass `limits` (defaultTarballLimits): PODMAP_ERR_CDN_TARBALL_TOO_LARGE, or
 * PODMAP_ERR_CDN_MANIFEST_TOO_LARGE for a package.json over maxManifestBytes or with more exports
 * keys than maxExportKeys. So a gzip bomb costs the CDN a few milliseconds and kilobytes, and
 * memory never holds more than the kept files (at most maxUnpackedBytes).
 */
export async function readTarball(source: Buffer | Readable, limits: TarballLimits = {}): Promise<PackageContents> {
  const files = await readTarballFiles(source, limits, 'npm');
  return { manifest: readManifest(files), files };
}

/**
 * Reads a podlet release's tarball (the format is in docs/cdn.md: gzipped ustar, the release's
 * files under `package/`, as packFiles writes it) into memory, under the same streaming limits
 * and path rules as readTarball, minus package.json, which a release does not need. Stricter
 * than an npm tarball, as nothing but podmap writes one: an entry that is not a regular file or
 * a folder (a link, a device) or lies outside `package/` refuses the whole tarball with
 * PODMAP_ERR_CDN_TARBALL_INVALID, and so does a tarball without files. Dotfiles and
 * node_modules are skipped, as publishPodletRelease's folder walk skips them.
 */
export async function readReleaseTarball(source: Buffer | Readable, limits: TarballLimits = {}): Promise<Map<string, Buffer>> {
  const files = await readTarballFiles(source, limits, 'release');
  if (files.size === 0) throw invalid('no files under package/');
  return files;
}

async function readTarballFiles(source: Buffer | Readable, limits: TarballLimits, kind: TarballKind): Promise<Map<string, Buffer>> {
  const state: ReadState = {
    kind,
    limits: { ...defaultTarballLimits, ...limits },
    files: new Map(),
    entries: 0,
    declared: 0,
    failure: null,
  };
  // zstd off, and a nested gzip refused below: only the outer gzip is inflated, and it is counted.
  const parser = new Parser({ strict: true, zstd: false, onReadEntry: (entry: ReadEntry) => readEntry(entry, state) });
  try {
    await pipeline(Buffer.isBuffer(source) ? Readable.from([source]) : source, createGunzip(), feed(parser, state));
  } catch (error) {
    throw error instanceof PodmapError ? error : invalid((error as Error).message);
  }
  if (state.failure) throw state.failure;
  return state.files;
}

/** The sink between gunzip and the tar parser: counts inflated bytes and stops at the first failure. */
function feed(parser: Parser, state: ReadState): Writable {
  let sawEof = false;
  let trailing = 0;
  let head: Buffer | null = Buffer.alloc(0);
  parser.on('eof', () => (sawEof = true));
  parser.on('error', (error: Error) => (state.failure ??= invalid(error.message)));
  let inflated = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      if (inflated > state.limits.maxUnpackedBytes) {
        return callback(tooLarge(`it inflates to more than ${state.limits.maxUnpackedBytes} bytes`));
      }
      if (head) {
        // The parser would inflate a gzip it finds inside on its own, uncounted.
        head = Buffer.concat([head, chunk]);
        if (head.length < 2) return callback();
        if (head[0] === 0x1f && head[1] === 0x8b) return callback(invalid('a compressed stream inside the gzip'));
        [chunk, head] = [head, null];
      }
      // After the end-of-archive blocks the parser would only buffer the rest: drop it, and refuse
      // more than padding rather than inflate it all.
      if (!sawEof) parser.write(chunk);
      else if ((trailing += chunk.length) > maxTrailingBytes) return callback(tooLarge('it goes on past the end of the archive'));
      callback(state.failure);
    },
    final(callback) {
      if (state.failure) return callback(state.failure);
      parser.on('end', () => callback(state.failure));
      parser.on('error', () => callback(state.failure));
      if (head) parser.end(head);
      else parser.end();
    },
  });
}

function readEntry(entry: ReadEntry, state: ReadState): void {
  const { limits } = state;
  const size = entry.size ?? 0;
  state.entries += 1;
  state.declared += 512 + Math.ceil(size / 512) * 512;
  if (state.entries > limits.maxEntries) state.failure ??= tooLarge(`it has more than ${limits.maxEntries} entries`);
  if (state.declared > limits.maxUnpackedBytes) state.failure ??= tooLarge(`it unpacks to more than ${limits.maxUnpackedBytes} bytes`);
  if (size > limits.maxEntryBytes) state.failure ??= tooLarge(`${JSON.stringify(entry.path)} is larger than ${limits.maxEntryBytes} bytes`);
  if (state.kind === 'release') state.failure ??= findReleaseEntryProblem(entry);
  const path = stripTopFolder(entry.path);
  if (state.failure || !isRegularFile(entry) || path === null) {
    entry.resume();
    return;
  }
  // Refuse, rather than skip, a tarball that tries to climb out: it was crafted.
  if (entry.path.startsWith('/') || !isSafeRelativePath(path)) {
    state.failure ??= invalid(`unsafe entry path ${JSON.stringify(entry.path)}`);
  }
  if (state.kind === 'npm' && path === 'package.json' && size > limits.maxManifestBytes) {
    state.failure ??= new PodmapError(
      'PODMAP_ERR_CDN_MANIFEST_TOO_LARGE',
      `package.json has ${size} bytes (at most ${limits.maxManifestBytes})`,
    );
  }
  if (state.failure || isSkipped(path)) {
    entry.resume();
    return;
  }
  const chunks: Buffer[] = [];
  entry.on('data', (chunk: Buffer) => chunks.push(chunk));
  entry.on('end', () => state.files.set(path, Buffer.concat(chunks)));
}

/** A release holds files and folders under `package/`, nothing else: anything more was not written by packFiles. */
function findReleaseEntryProblem(entry: ReadEntry): PodmapError | null {
  if (!isRegularFile(entry) && entry.type !== 'Directory') {
    return invalid(`${JSON.stringify(entry.path)} is a ${entry.type} entry; a release holds only files and folders`);
  }
  const path = entry.path.replace(/^\.\//, '');
  if (!path.startsWith('package/')) return invalid(`${JSON.stringify(entry.path)} is not under package/`);
  const inside = path.slice('package/'.length).replace(/\/$/, '');
  if (inside !== '' && !isSafeRelativePath(inside)) return invalid(`unsafe entry path ${JSON.stringify(entry.path)}`);
  return null;
}

function isRegularFile(entry: ReadEntry): boolean {
  return entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile';
}

function readManifest(files: ReadonlyMap<string, Buffer>): PackageManifest {
  const manifestBytes = files.get('package.json');
  if (!manifestBytes) throw invalid('no package.json in the top folder');
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as PackageManifest;
  } catch {
    throw invalid('package.json is not JSON');
  }
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    throw invalid('package.json has no name or version');
  }
  readExportSubpaths(manifest); // refuses an exports map over maxExportKeys before any work on it
  return manifest;
}

/** "package/lib/a.js" → "lib/a.js"; entries that are not below a top folder are ignored. */
function stripTopFolder(path: string): string | null {
  const slash = path.replace(/^\.\//, '').indexOf('/');
  if (slash === -1) return null;
  return path.replace(/^\.\//, '').slice(slash + 1);
}

function isSkipped(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.') || segment === 'node_modules');
}

function tooLarge(detail: string): PodmapError {
  return new PodmapError('PODMAP_ERR_CDN_TARBALL_TOO_LARGE', `${detail}; nothing was stored`);
}

function invalid(detail: string): PodmapError {
  return new PodmapError('PODMAP_ERR_CDN_TARBALL_INVALID', detail);
}
