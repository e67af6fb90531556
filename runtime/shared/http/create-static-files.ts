import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { PodmapError } from '../errors.ts';
import { resolveInside } from '../files/resolve-inside.ts';
import { contentTypeFor, isCompressible } from './content-type-for.ts';
import { ifNoneMatchHits } from './if-none-match-hits.ts';
import { negotiateEncoding } from './negotiate-encoding.ts';

interface CachedFile {
  key: string;
  etag: string;
  type: string;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/** Serves one file of the folder; `encodedPath` is relative to it and still URL-encoded. Throws PodmapError. */
export type StaticFiles = (req: IncomingMessage, res: ServerResponse, encodedPath: string, immutable: boolean) => Promise<void>;

/**
 * Serves the files of one folder with ETag/304, br/gzip and CORS, for a podlet's `public/` and a
 * layout's `/static/`. `immutable` decides the caching: a versioned URL never changes, so browsers
 * may keep it a year without asking; otherwise they revalidate every time. Files are read, hashed
 * and compressed once per change (keyed by mtime and size), not once per request.
 */
export function createStaticFiles(root: string): StaticFiles {
  const absoluteRoot = path.resolve(root);
  const cache = new Map<string, CachedFile>();

  async function load(file: string): Promise<CachedFile> {
    let info;
    try {
      info = await stat(file);
    } catch {
      throw new PodmapError('PODMAP_ERR_NOT_FOUND', 'no such file');
    }
    if (!info.isFile()) throw new PodmapError('PODMAP_ERR_NOT_FOUND', 'not a file');
    const key = `${info.mtimeMs}:${info.size}`;
    const hit = cache.get(file);
    if (hit?.key === key) return hit;
    const raw = await readFile(file);
    const type = contentTypeFor(file);
    const entry: CachedFile = { key, raw, type, etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 32)}"` };
    // Below ~512 bytes the compressed copy is hardly smaller than the headers it adds.
    if (isCompressible(type) && raw.length > 512) {
      entry.br = brotliCompressSync(raw);
      entry.gzip = gzipSync(raw, { level: 9 });
    }
    cache.set(file, entry);
    return entry;
  }

  return async function serve(req, res, encodedPath, immutable) {
    const file = await load(resolveInside(absoluteRoot, encodedPath));
    const headers: Record<string, string> = {
      'content-type': file.type,
      etag: file.etag,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'access-control-allow-origin': '*',
      'timing-allow-origin': '*',
      vary: 'Accept-Encoding',
    };
    if (ifNoneMatchHits(req.headers['if-none-match'], file.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    let body = file.raw;
    const encoding = file.br ? negotiateEncoding(req.headers['accept-encoding']) : 'identity';
    if (encoding !== 'identity') {
      body = (encoding === 'br' ? file.br : file.gzip) ?? file.raw;
      headers['content-encoding'] = encoding;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
