import type { IncomingMessage, ServerResponse } from 'node:http';
import { negotiateEncoding } from '../../shared/http/negotiate-encoding.ts';
import { createCompressStream, createPieceCompressor, type PageEncoding, type PieceCompressor } from './create-piece-compressor.ts';

/** Writes a streamed HTML body, compressed when the browser accepts it. */
export interface CompressedBody {
  write(text: string): void;
  /** Pushes what was written so far to the browser (a compression flush). */
  flush(): void;
  end(text: string): void;
}

/** Sends one flushed piece of the body; `last` ends the response. */
type Send = (text: string, last: boolean) => void;

/**
 * The page body's writer: brotli or gzip when the browser accepts it (the import map and
 * preloads compress to a fraction: their URLs repeat), honouring `q=0`, with a flush after the
 * head and after each batch of fragments so streaming still reaches the browser early. Sets
 * Content-Encoding in `headers`; call it before the headers are written. A HEAD request gets no body.
 *
 * Every piece is compressed, on one stream per response with the fragments compressed against
 * the head, from the first response on: how a response is sent depends on that response alone,
 * never on an earlier one or another layout's. The pieces are compressed synchronously
 * (createPieceCompressor(), which says why and at what cost); `compressorFor` is for tests: one
 * returning null makes the body use a zlib stream, as it does on a Node whose zlib cannot be
 * driven synchronously.
 */
export function createCompressedBody(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  compressorFor: (encoding: PageEncoding) => PieceCompressor | null = createPieceCompressor,
): CompressedBody {
  const head = req.method === 'HEAD';
  const encoding = head ? 'identity' : negotiateEncoding(req.headers['accept-encoding']);
  let send: Send = (text, last) => (last ? res.end(text) : res.write(text));
  if (encoding !== 'identity') {
    headers['content-encoding'] = encoding;
    send = compressedSender(res, encoding, compressorFor);
  }
  // What is written goes out at the next flush or at the end, in one piece.
  let pending = '';
  return {
    write(text) {
      if (!head) pending += text;
    },
    flush() {
      if (pending) send(pending, false);
      pending = '';
    },
    end(text) {
      if (head) return void res.end();
      send(pending + text, true);
    },
  };
}

/** Compresses each piece as it is sent, on the response's own compressor, or its zlib stream when there is none. */
function compressedSender(
  res: ServerResponse,
  encoding: PageEncoding,
  compressorFor: (encoding: PageEncoding) => PieceCompressor | null,
): Send {
  const compressor = compressorFor(encoding);
  if (!compressor) {
    const stream = createCompressStream(encoding);
    stream.pipe(res);
    res.once('close', () => stream.destroy());
    return (text, last) => {
      if (res.destroyed) return;
      if (last) stream.end(text);
      else stream.write(text);
    };
  }
  // A response cut short (the browser went away) never sends its last piece: its engine is freed
  // when the response closes, and what the page server still writes is dropped, not compressed.
  res.once('close', compressor.close);
  return (text, last) => {
    if (res.destroyed) return;
    const out = compressor.compress(Buffer.from(text), last);
    if (last) res.end(out);
    else res.write(out);
  };
}
