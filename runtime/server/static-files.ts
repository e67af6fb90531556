import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { PodmapError } from './errors.ts';
import { resolveInside } from './safe-path.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type podmap sends for a file name; unknown kinds are opaque bytes. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

interface CachedFile {
  key: string;
  etag: string;
  type: string;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/**
 * Serves the files of one folder with ETag/304, br/gzip and CORS. `immutable` decides the
 * caching: a versioned URL never changes, so browsers may keep it a year without asking;
 * otherwise they revalidate every time. Files are read, hashed and compressed once per change
 * (keyed by mtime and size), not once per request.
 */
export function createStaticFiles(root: string) {
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
    if (/^(text\/|application\/json|image\/svg)/.test(type) && raw.length > 512) {
      entry.br = brotliCompressSync(raw);
      entry.gzip = gzipSync(raw, { level: 9 });
    }
    cache.set(file, entry);
    return entry;
  }

  /** Answers `encodedPath` (relative to the folder, still URL-encoded); throws PodmapError. */
  return async function serve(req: IncomingMessage, res: ServerResponse, encodedPath: string, immutable: boolean): Promise<void> {
    const file = await load(resolveInside(absoluteRoot, encodedPath));
    const headers: Record<string, string> = {
      'content-type': file.type,
      etag: file.etag,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'access-control-allow-origin': '*',
      'timing-allow-origin': '*',
      vary: 'Accept-Encoding',
    };
    if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(file.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const accept = String(req.headers['accept-encoding'] ?? '');
    let body = file.raw;
    if (file.br && /\bbr\b/.test(accept)) {
      body = file.br;
      headers['content-encoding'] = 'br';
    } else if (file.gzip && /\bgzip\b/.test(accept)) {
      body = file.gzip;
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
