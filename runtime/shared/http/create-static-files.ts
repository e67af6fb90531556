import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { IMMUTABLE_CACHE_CONTROL } from '../cdn-protocol/cdn-urls.ts';
import { PodmapError } from '../errors.ts';
import { resolveInside } from '../files/resolve-inside.ts';
import { compressFile, sendCompressedFile, type CompressedFile } from './answer-compressed-file.ts';
import { contentTypeFor } from './content-type-for.ts';

/** Serves one file of the folder; `encodedPath` is relative to it and still URL-encoded. Throws PodmapError. */
export type StaticFiles = (req: IncomingMessage, res: ServerResponse, encodedPath: string, immutable: boolean) => Promise<void>;

/**
 * Serves the files of one folder with ETag/304, br/gzip and CORS (sendCompressedFile), for a
 * podlet's `public/` and a layout's `/static/`. `immutable` decides the caching: a versioned URL
 * never changes, so browsers may keep it a year without asking; otherwise they revalidate every
 * time. Files are read, hashed and compressed once per change (keyed by mtime and size), not
 * once per request.
 */
export function createStaticFiles(root: string): StaticFiles {
  const absoluteRoot = path.resolve(root);
  const cache = new Map<string, { key: string; file: CompressedFile }>();
  return async function serve(req, res, encodedPath, immutable) {
    const file = await loadFile(resolveInside(absoluteRoot, encodedPath), cache);
    sendCompressedFile(req, res, file, {
      'cache-control': immutable ? IMMUTABLE_CACHE_CONTROL : 'no-cache',
      'access-control-allow-origin': '*',
      'timing-allow-origin': '*',
    });
  };
}

/** A file of the folder with its compressed copies, from `cache` while its mtime and size are unchanged. */
async function loadFile(file: string, cache: Map<string, { key: string; file: CompressedFile }>): Promise<CompressedFile> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new PodmapError('PODMAP_ERR_NOT_FOUND', 'no such file');
  }
  if (!info.isFile()) throw new PodmapError('PODMAP_ERR_NOT_FOUND', 'not a file');
  const key = `${info.mtimeMs}:${info.size}`;
  const hit = cache.get(file);
  if (hit?.key === key) return hit.file;
  const loaded = compressFile(await readFile(file), contentTypeFor(file));
  cache.set(file, { key, file: loaded });
  return loaded;
}
