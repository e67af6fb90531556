import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { isCompressible } from './content-type-for.ts';
import { ifNoneMatchHits } from './if-none-match-hits.ts';
import { negotiateEncoding, type StoredEncoding } from './negotiate-encoding.ts';

/** Files up to this many bytes get no compressed copies: they would hardly be smaller than the headers they add. */
export const MIN_COMPRESSED_FILE_BYTES = 512;

/** What answerCompressedFile needs to know of a file with precompressed copies. */
export interface CompressedFileInfo {
  /** The strong ETag of the uncompressed bytes, quoted; each compressed copy's is derived from it. */
  etag: string;
  /** Its Content-Type. */
  type: string;
  /** The byte length of each stored representation: `br` and `gzip` both, or neither. */
  sizes: { identity: number; br?: number; gzip?: number };
}

/** A file held in memory with its compressed copies; see compressFile(). */
export interface CompressedFile extends CompressedFileInfo {
  bytes: { identity: Buffer; br?: Buffer; gzip?: Buffer };
}

/** How to answer a request for a file: the status, the representation to send and every header. */
export interface CompressedFileAnswer {
  status: 200 | 304;
  /** The representation selected; its bytes are the body of a 200. */
  encoding: StoredEncoding;
  headers: Record<string, string>;
}

/**
 * How to answer a GET or HEAD for a file with precompressed copies, the one rule for the CDN's
 * stored files, static folders and the layout's service worker. It picks the representation the
 * request accepts (negotiateEncoding: brotli, then gzip, honouring `q=0`; the original when the
 * file has no copies) and gives it its own strong ETag, the original's with "-br" or "-gz"
 * (representationEtag): a strong ETag names exact bytes. It answers 304 when If-None-Match holds
 * that ETag, else 200 with Content-Type, Content-Encoding and Content-Length. `headers` (caching,
 * CORS) go into both, with the ETag and `Vary: Accept-Encoding`.
 */
export function answerCompressedFile(
  requestHeaders: IncomingHttpHeaders,
  file: CompressedFileInfo,
  headers: Readonly<Record<string, string>>,
): CompressedFileAnswer {
  const hasCopies = file.sizes.br !== undefined && file.sizes.gzip !== undefined;
  const encoding = hasCopies ? negotiateEncoding(requestHeaders['accept-encoding']) : 'identity';
  const etag = representationEtag(file.etag, encoding);
  const answer: Record<string, string> = { ...headers, etag, vary: 'Accept-Encoding' };
  if (ifNoneMatchHits(requestHeaders['if-none-match'], etag)) return { status: 304, encoding, headers: answer };
  answer['content-type'] = file.type;
  if (encoding !== 'identity') answer['content-encoding'] = encoding;
  answer['content-length'] = String(file.sizes[encoding]);
  return { status: 200, encoding, headers: answer };
}

/** The strong ETag of one representation: the original's (`"abc"`), or `"abc-br"` and `"abc-gz"` for its copies. */
export function representationEtag(etag: string, encoding: StoredEncoding): string {
  if (encoding === 'identity') return etag;
  return `${etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"`;
}

/**
 * A file's bytes ready to be served many times: a strong ETag (SHA-256 of the bytes) and, when
 * its type compresses (isCompressible) and it is over MIN_COMPRESSED_FILE_BYTES, brotli and gzip
 * copies at their best settings, kept only when both are smaller. Synchronous and costly (a few
 * ms for 100 KB): call it once per change of the bytes, not per request.
 */
export function compressFile(bytes: Buffer, type: string): CompressedFile {
  const file: CompressedFile = {
    etag: `"${createHash('sha256').update(bytes).digest('base64url')}"`,
    type,
    sizes: { identity: bytes.length },
    bytes: { identity: bytes },
  };
  if (!isCompressible(type) || bytes.length <= MIN_COMPRESSED_FILE_BYTES) return file;
  const br = brotliCompressSync(bytes);
  const gzip = gzipSync(bytes, { level: 9 });
  if (br.length >= bytes.length || gzip.length >= bytes.length) return file;
  return { ...file, sizes: { ...file.sizes, br: br.length, gzip: gzip.length }, bytes: { ...file.bytes, br, gzip } };
}

/** Answers `req` with a file held in memory (answerCompressedFile), writing the body unless it is a 304 or a HEAD. */
export function sendCompressedFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: CompressedFile,
  headers: Readonly<Record<string, string>>,
): void {
  const answer = answerCompressedFile(req.headers, file, headers);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.status === 304 || req.method === 'HEAD' ? undefined : file.bytes[answer.encoding]);
}
