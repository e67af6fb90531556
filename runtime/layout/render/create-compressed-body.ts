import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import { negotiateEncoding } from '../../shared/http/negotiate-encoding.ts';

/** Writes a streamed HTML body, compressed when the browser accepts it. */
export interface CompressedBody {
  write(text: string): void;
  /** Pushes what was written so far to the browser (a compression flush). */
  flush(): void;
  end(text: string): void;
}

type Encoding = 'br' | 'gzip';
/** Sends one flushed piece of the body; `last` ends the response. */
type Send = (text: string, last: boolean) => void;

const { constants: z } = zlib;
const BROTLI_PARAMS = {
  [z.BROTLI_PARAM_QUALITY]: 5,
  // A page is ~10–20 KB: a 64 KB window holds all of it. A zlib stream with the stock 4 MB
  // window cost twice the CPU per page (bench/layout.ts).
  [z.BROTLI_PARAM_LGWIN]: 16,
  [z.BROTLI_PARAM_MODE]: z.BROTLI_MODE_TEXT,
};
const GZIP_LEVEL = 6;
const FLUSH = { br: z.BROTLI_OPERATION_FLUSH, gzip: z.Z_SYNC_FLUSH };
/** Bytes after the head above which the next response on that path compresses them too. */
const RAW_LIMIT = 4096;
/** Paths whose last compressed response had more than RAW_LIMIT bytes after the head. */
const largeTails = new Set<string>();

/**
 * The page body's writer: brotli or gzip when the browser accepts it (the import map and
 * preloads compress to a fraction: their URLs repeat), honouring `q=0`, with a flush after the
 * head and after each batch of fragments so streaming still reaches the browser early. Sets
 * Content-Encoding in `headers`; call it before the headers are written.
 *
 * The head, most of the page, is compressed in one synchronous call; the fragments after it
 * are small and go out as uncompressed blocks of the same stream. A zlib stream per response
 * spent more CPU on its thread-pool round trips (one per write and flush) than on compressing:
 * in bench/layout.ts it cost ~0.7 ms per page over no compression, this ~0.25 ms, for a page
 * ~15% smaller. A path whose fragments came to more than RAW_LIMIT bytes gets such a stream for
 * its next response.
 */
export function createCompressedBody(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): CompressedBody {
  const head = req.method === 'HEAD';
  const encoding = head ? 'identity' : negotiateEncoding(req.headers['accept-encoding']);
  const path = (req.url ?? '/').split('?')[0]!;
  let send: Send = (text, last) => (last ? res.end(text) : res.write(text));
  if (encoding !== 'identity') {
    headers['content-encoding'] = encoding;
    send = largeTails.has(path) ? streamSender(res, encoding) : blockSender(res, encoding);
  }
  // What is written goes out at the next flush or at the end, in one piece.
  let pending = '';
  let pieces = 0;
  let tail = 0;
  const push = (text: string, last: boolean) => {
    send(text, last);
    if (pieces++ > 0) tail += Buffer.byteLength(text);
  };
  return {
    write(text) {
      if (!head) pending += text;
    },
    flush() {
      if (pending) push(pending, false);
      pending = '';
    },
    end(text) {
      if (head) return void res.end();
      push(pending + text, true);
      if (encoding === 'identity') return;
      if (largeTails.size >= 1000) largeTails.clear();
      if (tail > RAW_LIMIT) largeTails.add(path);
      else largeTails.delete(path);
    },
  };
}

/**
 * Sends the first piece (the head) compressed, ending on a byte boundary, and every later piece
 * as uncompressed blocks of the same stream: brotli's uncompressed meta-blocks (RFC 7932 §9.2),
 * deflate's stored blocks with gzip's CRC-32 and length at the end (RFC 1951 §3.2.4, RFC 1952).
 */
function blockSender(res: ServerResponse, encoding: Encoding): Send {
  let started = false;
  let crc = 0;
  let size = 0;
  return (text, last) => {
    const data = Buffer.from(text);
    let out: Buffer[];
    if (!started && last) {
      // Nothing was flushed before: one complete stream.
      return void res.end(
        encoding === 'br' ? zlib.brotliCompressSync(data, { params: BROTLI_PARAMS }) : zlib.gzipSync(data, { level: GZIP_LEVEL }),
      );
    } else if (!started) {
      const options = { finishFlush: FLUSH[encoding] };
      out = [
        encoding === 'br'
          ? zlib.brotliCompressSync(data, { ...options, params: BROTLI_PARAMS })
          : zlib.gzipSync(data, { ...options, level: GZIP_LEVEL }),
      ];
    } else {
      out = storedBlocks(encoding, data);
      if (last) out.push(encoding === 'br' ? BROTLI_END : GZIP_END);
    }
    started = true;
    if (encoding === 'gzip') {
      crc = zlib.crc32(data, crc);
      size = (size + data.length) >>> 0;
      if (last) out.push(gzipTrailer(crc, size));
    }
    if (last) res.end(Buffer.concat(out));
    else res.write(Buffer.concat(out));
  };
}

/** Uncompressed blocks of at most 65,535 bytes holding `data`, for a stream on a byte boundary. */
function storedBlocks(encoding: Encoding, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += 0xffff) {
    const n = Math.min(0xffff, data.length - at);
    // brotli: ISLAST 0, MNIBBLES 4 (0b00), MLEN-1 in 16 bits, ISUNCOMPRESSED 1, zero bits to the byte.
    // deflate: BFINAL 0, BTYPE 00, zero bits to the byte, LEN and its one's complement (little-endian).
    const bits = ((n - 1) << 3) | (1 << 19);
    const header = encoding === 'br' ? [bits & 0xff, (bits >> 8) & 0xff, bits >> 16] : [0, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff];
    out.push(Buffer.from(header), data.subarray(at, at + n));
  }
  return out;
}

/** An empty last meta-block: ISLAST 1, ISLASTEMPTY 1. */
const BROTLI_END = Buffer.from([0x03]);
/** An empty final stored block. */
const GZIP_END = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);

function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size, 4);
  return trailer;
}

/** A zlib stream for the whole response, flushing on every write: one thread-pool trip per piece. */
function streamSender(res: ServerResponse, encoding: Encoding): Send {
  const stream =
    encoding === 'br'
      ? zlib.createBrotliCompress({ flush: FLUSH.br, params: BROTLI_PARAMS })
      : zlib.createGzip({ level: GZIP_LEVEL, flush: FLUSH.gzip });
  stream.pipe(res);
  return (text, last) => (last ? stream.end(text) : stream.write(text));
}
