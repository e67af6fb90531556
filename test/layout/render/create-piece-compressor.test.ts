import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { createPieceCompressor, type PageEncoding } from '../../../runtime/layout/render/create-piece-compressor.ts';

const encodings: PageEncoding[] = ['br', 'gzip'];
/** Decodes `bytes`; a stream not ended yet decodes as far as it was flushed. */
const decode = (encoding: PageEncoding, bytes: Buffer, ended = true) =>
  encoding === 'br'
    ? brotliDecompressSync(bytes, ended ? {} : { finishFlush: constants.BROTLI_OPERATION_FLUSH })
    : gunzipSync(bytes, ended ? {} : { finishFlush: constants.Z_SYNC_FLUSH });

test('createPieceCompressor() - on this Node - compresses synchronously, each piece decodable as soon as it is returned', () => {
  for (const encoding of encodings) {
    const compressor = createPieceCompressor(encoding);
    // null would mean the zlib stream fallback: every page's pieces would cost thread-pool trips.
    assert.ok(compressor, `${encoding}: this Node's zlib can no longer be driven synchronously`);
    const head = Buffer.from('<head><script type="importmap">{"imports":{}}</script></head>');
    const first = compressor.compress(head, false);
    assert.deepEqual(decode(encoding, first, false), head, encoding);
    const rest = Buffer.from('<main>é ü 🙂</main></html>');
    const second = compressor.compress(rest, true);
    assert.deepEqual(decode(encoding, Buffer.concat([first, second])), Buffer.concat([head, rest]), encoding);
  }
});

test('createPieceCompressor() - a fragment repeating the head - compresses against it: one context per response', () => {
  const head = Buffer.from(
    Array.from({ length: 200 }, (_, i) => `<link rel="modulepreload" href="/pkg/lit@3.${i}.0/index.js">`).join('\n'),
  );
  for (const encoding of encodings) {
    const compressor = createPieceCompressor(encoding)!;
    compressor.compress(head, false);
    const again = compressor.compress(head, true);
    assert.ok(again.length < head.length / 50, `${encoding}: the repeated head took ${again.length} B of ${head.length}`);
  }
});

test('createPieceCompressor() - pieces whose output exceeds its 64 KB buffer, and empty pieces - decode to the input', () => {
  const noise = randomBytes(150_000);
  for (const encoding of encodings) {
    const compressor = createPieceCompressor(encoding)!;
    const out = [compressor.compress(noise, false), compressor.compress(Buffer.alloc(0), false), compressor.compress(noise, true)];
    assert.ok(out[0]!.length > 64 * 1024, 'the first piece alone overflowed the buffer');
    assert.deepEqual(decode(encoding, Buffer.concat(out)), Buffer.concat([noise, noise]), encoding);
  }
});

test('createPieceCompressor() - one piece only, or an empty body - is one complete stream', () => {
  for (const encoding of encodings) {
    assert.equal(decode(encoding, createPieceCompressor(encoding)!.compress(Buffer.from('<p>only</p>'), true)).toString(), '<p>only</p>');
    assert.equal(decode(encoding, createPieceCompressor(encoding)!.compress(Buffer.alloc(0), true)).length, 0);
  }
});

test('createPieceCompressor() - used after its last piece or after close() - throws PODMAP_ERR_INTERNAL, never touching the freed engine', () => {
  for (const encoding of encodings) {
    const ended = createPieceCompressor(encoding)!;
    ended.compress(Buffer.from('a'), true);
    assert.throws(() => ended.compress(Buffer.from('b'), false), { code: 'PODMAP_ERR_INTERNAL' });
    const closed = createPieceCompressor(encoding)!;
    closed.compress(Buffer.from('a'), false);
    closed.close();
    closed.close();
    assert.throws(() => closed.compress(Buffer.from('b'), true), { code: 'PODMAP_ERR_INTERNAL' });
  }
});
