import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { constants as zlib, createBrotliCompress, createGzip } from 'node:zlib';
import { negotiateEncoding } from '../shared/http/negotiate-encoding.ts';

/** Writes a streamed HTML body, compressed when the browser accepts it. */
export interface CompressedBody {
  write(text: string): void;
  /** Pushes what was written so far to the browser (a compression flush). */
  flush(): void;
  end(text: string): void;
}

// A page is ~10–20 KB: a 64 KB window holds all of it, where brotli's default 4 MB window costs
// an allocation per response that took more CPU than compressing the page itself.
const BROTLI_WINDOW_BITS = 16;

/**
 * The page body's writer: brotli or gzip when the browser accepts it (the import map and
 * preloads compress to a fraction: their URLs repeat), honouring `q=0`, with a flush after the
 * head and after each batch of fragments so streaming still reaches the browser early. Sets
 * Content-Encoding in `headers`; call it before the headers are written.
 */
export function createCompressedBody(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): CompressedBody {
  const head = req.method === 'HEAD';
  const encoding = head ? 'identity' : negotiateEncoding(req.headers['accept-encoding']);
  let stream: (Transform & { flush(kind?: number, cb?: () => void): void }) | null = null;
  if (encoding === 'br') {
    stream = createBrotliCompress({
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 5,
        [zlib.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      },
    });
  } else if (encoding === 'gzip') {
    stream = createGzip({ level: 6 });
  }
  if (stream) {
    headers['content-encoding'] = encoding;
    stream.pipe(res);
  }
  const flushKind = encoding === 'br' ? zlib.BROTLI_OPERATION_FLUSH : zlib.Z_SYNC_FLUSH;
  return {
    write(text) {
      if (head) return;
      if (stream) stream.write(text);
      else res.write(text);
    },
    flush() {
      stream?.flush(flushKind);
    },
    end(text) {
      if (head) res.end();
      else if (stream) stream.end(text);
      else res.end(text);
    },
  };
}
