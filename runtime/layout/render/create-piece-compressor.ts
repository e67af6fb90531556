import * as zlib from 'node:zlib';
import { PodmapError } from '../../shared/errors.ts';

/** The codings the layout compresses a page in. */
export type PageEncoding = 'br' | 'gzip';

/** One response's compressor, used from the first piece of the body to the last. */
export interface PieceCompressor {
  /**
   * `data` compressed on the response's one stream, with what came before as its context. The
   * output ends on a flush (the browser can decode everything given so far), or, when `last`,
   * ends the stream and frees the engine.
   */
  compress(data: Buffer, last: boolean): Buffer;
  /** Frees the engine if the response ends early; idempotent. `compress` after it throws. */
  close(): void;
}

const { constants: z } = zlib;
/**
 * Quality 3, measured in bench:ssr's layout (home, 20 connections, CPU per page of the layout
 * process against 0.69–0.75 ms uncompressed, page on the wire):
 *
 *   | quality | server-rendered podlets | client-rendered podlets |
 *   | 5       | 2.07 ms, 5.5 KB         | 1.47 ms, 3.4 KB         |
 *   | 3       | 1.10–1.26 ms, 6.2 KB    | 1.00 ms, 3.7 KB         |
 *   | 1       | 0.89–0.91 ms, 6.8–8.8 KB | 0.87 ms, 4.2 KB        |
 *
 * (the writer before, quality 5 on the head and fragments sent stored or through a zlib stream:
 * 1.99–2.06 ms, 5.7 KB; 1.08 ms, 3.7–3.8 KB). Each response has its own encoder, alive from the
 * head to the last fragment, so under load many are alive at once, and the allocator hands each
 * fresh memory to fault in: quality 5's 512 KB hash table costs more than its compression. 3
 * keeps client-rendered pages where they were and nearly halves the rest for ~10% more bytes;
 * 1 keeps little context across a flush, so its size depends on how the fragments batch (the
 * server-rendered home in 3 pieces 7.5 KB, in 9 pieces 10.3 KB; 3 gives 6.2 and 6.5 KB).
 */
const BROTLI_PARAMS = {
  [z.BROTLI_PARAM_QUALITY]: 3,
  // A page is ~10–40 KB: a 64 KB window holds all of it.
  [z.BROTLI_PARAM_LGWIN]: 16,
  [z.BROTLI_PARAM_MODE]: z.BROTLI_MODE_TEXT,
};
const GZIP_LEVEL = 6;
const FLUSH = { br: z.BROTLI_OPERATION_FLUSH, gzip: z.Z_SYNC_FLUSH };
const FINISH = { br: z.BROTLI_OPERATION_FINISH, gzip: z.Z_FINISH };

/**
 * A zlib stream compressing a whole page with the layout's settings, flushing after every write.
 * Each write and flush is a round trip to the thread pool: the fallback when this Node cannot
 * drive an engine synchronously (createPieceCompressor() returns null).
 */
export function createCompressStream(encoding: PageEncoding): zlib.BrotliCompress | zlib.Gzip {
  return encoding === 'br'
    ? zlib.createBrotliCompress({ flush: FLUSH.br, params: BROTLI_PARAMS })
    : zlib.createGzip({ level: GZIP_LEVEL, flush: FLUSH.gzip });
}

/** The parts of a zlib stream that brotliCompressSync() and gzipSync() use to compress synchronously. */
interface SyncEngine {
  _handle: {
    writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
  } | null;
  /** After each writeSync: the room left in `out` and the input left unread. */
  _writeState: Uint32Array;
}

/**
 * The response's compressor, compressing each piece on the spot on the main thread; null when this
 * Node's zlib streams do not have the shape it relies on (checked once, by compressing and
 * decoding a sample), and the body should use createCompressStream() instead.
 *
 * Node documents no way to feed a zlib stream piece by piece without the thread pool, and
 * zlib.brotliCompressSync() closes its engine after its one call. That call drives the stream's
 * native handle with `_handle.writeSync()` and reads the result from `_writeState`: internal, but
 * what every synchronous zlib call in Node has used since Node 10, and still what Node's newest
 * zlib code calls. Driven per piece with a flush, one engine keeps one brotli or deflate context
 * for the whole page (the fragments compress against the head) with no thread-pool round trips:
 * in bench:ssr's layout with server-rendered podlets, 1.26 ms of CPU per page against 1.55 ms for
 * a zlib stream at the same quality (0.91 against 1.07 ms at quality 1).
 */
export function createPieceCompressor(encoding: PageEncoding): PieceCompressor | null {
  if (!drivesSynchronously()) return null;
  return openCompressor(encoding);
}

let checked: boolean | undefined;

/** Whether both codings compress synchronously here and decode to what went in, flushed piece by piece. */
function drivesSynchronously(): boolean {
  if (checked !== undefined) return checked;
  checked = false;
  try {
    const pieces = ['<head>podmap</head>', '<main>podmap podmap</main>'].map((s) => Buffer.from(s));
    const decoders = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync };
    const works = (['br', 'gzip'] as const).every((encoding) => {
      const compressor = openCompressor(encoding);
      if (!compressor) return false;
      const first = compressor.compress(pieces[0]!, false);
      const flushed = decoders[encoding](first, { finishFlush: FLUSH[encoding] });
      const whole = decoders[encoding](Buffer.concat([first, compressor.compress(pieces[1]!, true)]));
      return flushed.equals(pieces[0]!) && whole.equals(Buffer.concat(pieces));
    });
    checked = works;
  } catch {
    // Anything unexpected in the internals: the stream is the safe way.
  }
  return checked;
}

/** Output is compressed into this and copied out: writeSync() is synchronous, so one buffer serves every response. */
const scratch = Buffer.allocUnsafe(64 * 1024);

function openCompressor(encoding: PageEncoding): PieceCompressor | null {
  const stream = encoding === 'br' ? zlib.createBrotliCompress({ params: BROTLI_PARAMS }) : zlib.createGzip({ level: GZIP_LEVEL });
  const engine = stream as unknown as SyncEngine;
  if (typeof engine._handle?.writeSync !== 'function' || !(engine._writeState instanceof Uint32Array)) {
    stream.close();
    return null;
  }
  // An engine error destroys the stream, which emits it on the next tick: it is thrown from
  // compress() instead, and must not also crash the process as an unhandled 'error'.
  stream.on('error', () => {});
  let closed = false;
  const close = () => {
    if (!closed) stream.close();
    closed = true;
  };
  return {
    compress(data, last) {
      // A native handle written after it was closed aborts the process: refuse it here.
      if (closed || !engine._handle) throw new PodmapError('PODMAP_ERR_INTERNAL', 'a page compressor was used after it was closed');
      const out = compressPiece(stream, engine, data, last ? FINISH[encoding] : FLUSH[encoding]);
      if (last) close();
      return out;
    },
    close,
  };
}

/** One writeSync() after another until the engine has given all its output for `flush`. */
function compressPiece(stream: zlib.BrotliCompress | zlib.Gzip, engine: SyncEngine, data: Buffer, flush: number): Buffer {
  const out: Buffer[] = [];
  let inOff = 0;
  let inLen = data.length;
  for (;;) {
    engine._handle!.writeSync(flush, data, inOff, inLen, scratch, 0, scratch.length);
    if (stream.destroyed) throw new PodmapError('PODMAP_ERR_INTERNAL', 'compressing the page failed', { cause: stream.errored });
    const [roomLeft, inputLeft] = engine._writeState as unknown as [number, number];
    out.push(Buffer.from(scratch.subarray(0, scratch.length - roomLeft)));
    // Room left in the output means the engine is done; none, that it may have more.
    if (roomLeft > 0) break;
    inOff += inLen - inputLeft;
    inLen = inputLeft;
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}
