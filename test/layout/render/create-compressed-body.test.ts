import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test, type TestContext } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createCompressedBody } from '../../../runtime/layout/render/create-compressed-body.ts';
import { listen } from '../../helpers/listen.ts';

/** A server that writes `pieces`, flushing after each but the last, as the layout writes a page. */
async function serve(t: TestContext, pieces: string[], path = '/') {
  const base = await listen(t, (req, res) => {
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    const body = createCompressedBody(req, res, headers);
    res.writeHead(200, headers);
    for (const piece of pieces.slice(0, -1)) {
      body.write(piece);
      body.flush();
    }
    body.end(pieces.at(-1)!);
  });
  return (encoding: string) =>
    new Promise<{ coding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(new URL(path, base), { headers: { 'accept-encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ coding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
}

const decode = (coding: string | undefined, body: Buffer) =>
  (coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body).toString('utf8');

test('createCompressedBody() - a head, small fragments and one over 64 KB - decode to exactly what was written, in br and gzip', async (t) => {
  const pieces = ['<head>' + 'x'.repeat(9000) + '</head>', '<section>é ü 🙂</section>', 'y'.repeat(70_000), '</html>'];
  const get = await serve(t, pieces);
  for (const encoding of ['br', 'gzip', 'identity']) {
    const { coding, body } = await get(encoding);
    assert.equal(coding, encoding === 'identity' ? undefined : encoding);
    assert.equal(decode(coding, body), pieces.join(''), encoding);
  }
});

test('createCompressedBody() - a path whose fragments were large - decodes the same on the next response (zlib stream)', async (t) => {
  const pieces = ['<head></head>', 'z'.repeat(10_000), '</html>'];
  const get = await serve(t, pieces, '/large-tail');
  for (let i = 0; i < 2; i++) {
    for (const encoding of ['br', 'gzip']) {
      const { coding, body } = await get(encoding);
      assert.equal(decode(coding, body), pieces.join(''), `${encoding} response ${i + 1}`);
    }
  }
});

test('createCompressedBody() - one piece only - is one complete stream', async (t) => {
  const get = await serve(t, ['<p>only</p>']);
  const { coding, body } = await get('br');
  assert.equal(decode(coding, body), '<p>only</p>');
});
