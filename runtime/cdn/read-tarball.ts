import { Parser, type ReadEntry } from 'tar';
import { PodmapError } from '../shared/errors.ts';
import { isSafeRelativePath } from '../shared/files/is-safe-relative-path.ts';
import type { PackageContents } from './read-package-folder.ts';
import type { PackageManifest } from '../shared/cdn-protocol/types.ts';

/** The most bytes a tarball may unpack to; guards against a small upload that inflates hugely. */
export const maxUnpackedBytes = 256 * 1024 * 1024;

/**
 * Reads an npm tarball (`npm pack` output: gzipped tar, files under one top folder, usually
 * `package/`) into memory. Only regular files are kept — links and devices are dropped, so a
 * tarball cannot point outside its version — and every path must pass isSafeRelativePath, or
 * the whole tarball is refused with PODMAP_ERR_CDN_TARBALL_INVALID. Dotfiles and
 * node_modules are skipped as `npm pack` would.
 */
export async function readTarball(bytes: Buffer): Promise<PackageContents> {
  const files = new Map<string, Buffer>();
  let unpacked = 0;
  let failure: PodmapError | null = null;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const path = stripTopFolder(entry.path);
      const keep = entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile';
      if (!keep || path === null) {
        entry.resume();
        return;
      }
      // Refuse, rather than skip, a tarball that tries to climb out: it was crafted.
      if (entry.path.startsWith('/') || !isSafeRelativePath(path)) {
        failure ??= invalid(`unsafe entry path ${JSON.stringify(entry.path)}`);
      }
      if (failure || isSkipped(path)) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => {
        unpacked += chunk.length;
        if (unpacked > maxUnpackedBytes) failure ??= invalid('unpacks to more than the size limit');
        else chunks.push(chunk);
      });
      entry.on('end', () => files.set(path, Buffer.concat(chunks)));
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', (error: Error) => reject(invalid(error.message)));
    parser.on('end', () => resolve());
    parser.end(bytes);
  });
  if (failure) throw failure;
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
  return { manifest, files };
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

function invalid(detail: string): PodmapError {
  return new PodmapError('PODMAP_ERR_CDN_TARBALL_INVALID', detail);
}
