import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { publishTarball } from '../../runtime/cdn/index.ts';
import {
  answerCompressedFile,
  compressFile,
  MIN_COMPRESSED_FILE_BYTES,
  representationEtag,
} from '../../runtime/shared/http/answer-compressed-file.ts';
import { createStaticFiles } from '../../runtime/shared/http/create-static-files.ts';
import { makeTempDir, manifestOf, packFixture, startCdn } from '../cdn/helpers.ts';
import { listen } from '../helpers/listen.ts';
import { rawGet } from '../helpers/raw-get.ts';

/** A JavaScript module of 2 KB: over MIN_COMPRESSED_FILE_BYTES, and one a CDN's browser build accepts. */
const moduleText = Array.from({ length: 100 }, (_, i) => `export const x${i} = ${i};`).join('\n');
const file = { etag: '"abc"', type: 'text/javascript; charset=utf-8', sizes: { identity: 1000, br: 300, gzip: 400 } };
const base = { 'cache-control': 'no-cache' };

test('answerCompressedFile() - each Accept-Encoding - selects a representation with its own ETag and length', () => {
  for (const [accept, encoding, etag, length] of [
    ['gzip, deflate, br', 'br', '"abc-br"', '300'],
    ['gzip', 'gzip', '"abc-gz"', '400'],
    ['br;q=0, gzip', 'gzip', '"abc-gz"', '400'],
    ['identity', 'identity', '"abc"', '1000'],
    [undefined, 'identity', '"abc"', '1000'],
  ] as const) {
    const answer = answerCompressedFile({ 'accept-encoding': accept }, file, base);
    assert.equal(answer.status, 200, accept);
    assert.equal(answer.encoding, encoding, accept);
    assert.equal(answer.headers.etag, etag, accept);
    assert.equal(answer.headers['content-length'], length, accept);
    assert.equal(answer.headers['content-encoding'], encoding === 'identity' ? undefined : encoding, accept);
    assert.equal(answer.headers.vary, 'Accept-Encoding');
    assert.equal(answer.headers['cache-control'], 'no-cache');
  }
});

test("answerCompressedFile() - If-None-Match - is a 304 only for the selected representation's ETag", () => {
  const br = { 'accept-encoding': 'br' };
  for (const inm of ['"abc-br"', 'W/"abc-br"', '"x", "abc-br"', '*']) {
    const answer = answerCompressedFile({ ...br, 'if-none-match': inm }, file, base);
    assert.equal(answer.status, 304, inm);
    assert.equal(answer.headers.etag, '"abc-br"');
    assert.equal(answer.headers['content-length'], undefined, 'a 304 has no body length');
    assert.equal(answer.headers['content-type'], undefined);
  }
  for (const inm of ['"abc"', '"abc-gz"', '"abc-br-x"'])
    assert.equal(answerCompressedFile({ ...br, 'if-none-match': inm }, file, base).status, 200);
});

test('answerCompressedFile() - a file without copies - is always sent as it is', () => {
  const plain = { ...file, sizes: { identity: 1000 } };
  const answer = answerCompressedFile({ 'accept-encoding': 'br, gzip' }, plain, base);
  assert.equal(answer.encoding, 'identity');
  assert.equal(answer.headers.etag, '"abc"');
  assert.equal(representationEtag('"abc"', 'gzip'), '"abc-gz"');
});

test('compressFile() - a text file over MIN_COMPRESSED_FILE_BYTES - gets brotli and gzip copies of the same bytes', () => {
  const bytes = Buffer.from(moduleText);
  const compressed = compressFile(bytes, 'text/javascript; charset=utf-8');
  assert.deepEqual(brotliDecompressSync(compressed.bytes.br!), bytes);
  assert.deepEqual(gunzipSync(compressed.bytes.gzip!), bytes);
  assert.deepEqual(compressed.sizes, { identity: bytes.length, br: compressed.bytes.br!.length, gzip: compressed.bytes.gzip!.length });
  assert.equal(compressed.etag, `"${createHash('sha256').update(bytes).digest('base64url')}"`);
  const small = Buffer.from('x'.repeat(MIN_COMPRESSED_FILE_BYTES));
  assert.deepEqual(compressFile(small, 'text/plain; charset=utf-8').sizes, { identity: MIN_COMPRESSED_FILE_BYTES }, 'at the limit: none');
  assert.deepEqual(compressFile(bytes, 'image/png').sizes, { identity: bytes.length }, 'a type that does not compress: none');
});

test('static files and the CDN - the same file - are answered alike by the one helper', async (t) => {
  const dir = await makeTempDir(t);
  const text = moduleText;
  await writeFile(join(dir, 'x.js'), text);
  const staticFiles = createStaticFiles(dir);
  const staticBase = await listen(t, (req, res) => void staticFiles(req, res, 'x.js', true).catch((e) => res.destroy(e)));
  const store = join(dir, 'store');
  await publishTarball(store, await packFixture(dir, { 'package.json': manifestOf('pkg', '1.0.0'), 'x.js': text }));
  const cdnBase = `${await startCdn(t, { storeDir: store })}/npm/pkg@1.0.0/`;
  for (const url of [staticBase, cdnBase]) {
    const br = await rawGet(url, `${new URL(url).pathname}x.js`, { 'accept-encoding': 'br' });
    const gzip = await rawGet(url, `${new URL(url).pathname}x.js`, { 'accept-encoding': 'gzip', 'if-none-match': String(br.headers.etag) });
    const plain = await rawGet(url, `${new URL(url).pathname}x.js`, {});
    assert.equal(br.headers['content-encoding'], 'br', url);
    assert.equal(gzip.status, 200, `${url}: another representation's ETag does not validate`);
    assert.equal(gzip.headers.etag, String(plain.headers.etag).replace(/"$/, '-gz"'), url);
    assert.equal(br.headers.etag, String(plain.headers.etag).replace(/"$/, '-br"'), url);
    assert.equal(plain.body, text, url);
    const again = await rawGet(url, `${new URL(url).pathname}x.js`, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    assert.equal(again.status, 304, url);
    assert.equal(again.headers['cache-control'], 'public, max-age=31536000, immutable', url);
  }
});
