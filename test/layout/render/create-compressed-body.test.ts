import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { test, type TestContext } from 'node:test';
import { brotliDecompressSync, createBrotliDecompress, createGunzip, gunzipSync } from 'node:zlib';
import { createCompressedBody } from '../../../runtime/layout/render/create-compressed-body.ts';
import { createPieceCompressor, type PageEncoding, type PieceCompressor } from '../../../runtime/layout/render/create-piece-compressor.ts';
import { listen } from '../../helpers/listen.ts';

type CompressorFor = (encoding: PageEncoding) => PieceCompressor | null;
/** The two ways a body compresses: synchronously per piece (the default), and the zlib stream it falls back to. */
const ways: Array<[string, CompressorFor | undefined]> = [
  ['per piece', undefined],
  ['zlib stream', () => null],
];

/** A server that writes `pieces`, flushing after each but the last, as the layout writes a page. */
async function serve(t: TestContext, pieces: string[], compressorFor?: CompressorFor) {
  return listen(t, (req, res) => {
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    const body = createCompressedBody(req, res, headers, compressorFor);
    res.writeHead(200, headers);
    for (const piece of pieces.slice(0, -1)) {
      body.write(piece);
      body.flush();
    }
    body.end(pieces.at(-1)!);
  });
}

/** One request on a fresh connection: the Content-Encoding and the bytes as they came on the wire. */
function get(base: string, encoding: string, method = 'GET') {
  return new Promise<{ coding: string | undefined; body: Buffer }>((resolve, reject) => {
    request(base, { method, agent: false, headers: { 'accept-encoding': encoding } }, (res) => {
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

/** ~`bytes` of markup like server-rendered podlets': declarative shadow roots, lit's markers, varied text and links. */
function renderedFragments(bytes: number): string {
  let seed = 7;
  const next = (n: number) => (seed = (seed * 48271) % 0x7fffffff) % n;
  const words = ['basket', 'search', 'offers', 'delivery', 'account', 'sign in', 'weather', 'Oslo', 'Bergen', 'price', 'caption', 'news'];
  let html = '';
  for (let i = 0; html.length < bytes; i++) {
    html += `<section class="podlet" data-podlet="p${i}"><podlet-p${i} path="/"><template shadowrootmode="open">`;
    html += `<style>:host{display:block;margin:${next(16)}px}</style><!--lit-part ${next(1e9).toString(36)}-->`;
    for (let j = 0; j < 6; j++) {
      html += `<li class="item"><a href="/product/${next(10_000)}">${words[next(12)]} ${words[next(12)]}</a><span>${next(1000)} kr</span></li>`;
    }
    html += `<!--/lit-part--></template></podlet-p${i}></section>\n`;
  }
  return html;
}

/** A page: a ~2 KB head, then ~`fragmentBytes` of fragments in three flushed batches. */
function pageOf(fragmentBytes: number): string[] {
  const head = `<!doctype html><html><head>${Array.from({ length: 20 }, (_, i) => `<link rel="modulepreload" href="/p/lit@3.${i}/x.js">`).join('')}</head><body>`;
  const fragments = renderedFragments(fragmentBytes);
  const third = Math.ceil(fragments.length / 3);
  return [head, fragments.slice(0, third), fragments.slice(third, 2 * third), fragments.slice(2 * third), '</body></html>'];
}

test('createCompressedBody() - a head, small fragments and one over 64 KB - decode to exactly what was written, in br and gzip', async (t) => {
  const pieces = ['<head>' + 'x'.repeat(9000) + '</head>', '<section>é ü 🙂</section>', 'y'.repeat(70_000), '</html>'];
  for (const [way, compressorFor] of ways) {
    const base = await serve(t, pieces, compressorFor);
    for (const encoding of ['br', 'gzip', 'identity']) {
      const { coding, body } = await get(base, encoding);
      assert.equal(coding, encoding === 'identity' ? undefined : encoding);
      assert.equal(decode(coding, body), pieces.join(''), `${way}, ${encoding}`);
    }
  }
});

test('createCompressedBody() - the first response on a path with ~10 KB of rendered fragments - compresses them as well as the tenth does', async (t) => {
  const pieces = pageOf(10_000);
  const raw = Buffer.byteLength(pieces.join(''));
  for (const [way, compressorFor] of ways) {
    const base = await serve(t, pieces, compressorFor);
    for (const encoding of ['br', 'gzip']) {
      // A path no other test asks for: nothing in this process has served it before.
      const url = new URL(`/first/${way.replace(' ', '-')}/${encoding}`, base).href;
      const sizes: number[] = [];
      for (let i = 0; i < 10; i++) {
        const { coding, body } = await get(url, encoding);
        assert.equal(decode(coding, body), pieces.join(''));
        sizes.push(body.length);
      }
      const [first, tenth] = [sizes[0]!, sizes[9]!];
      assert.ok(first <= tenth * 1.1, `${way}, ${encoding}: first ${first} B, tenth ${tenth} B`);
      // Sent uncompressed, the fragments alone would be ~80% of the page.
      assert.ok(first < raw * 0.4, `${way}, ${encoding}: first ${first} B of ${raw} B raw`);
    }
  }
});

test('createCompressedBody() - two layouts in one process on the same path - do not change how the other compresses', async (t) => {
  const large = await serve(t, pageOf(10_000));
  const small = await serve(t, pageOf(1_000));
  for (const encoding of ['br', 'gzip']) {
    // One path for both, that no other test asks for: any memory keyed by path would be shared.
    const path = `/shared/${encoding}`;
    const [smallUrl, largeUrl] = [new URL(path, small).href, new URL(path, large).href];
    const before = await get(smallUrl, encoding);
    const largeFirst = await get(largeUrl, encoding);
    const after = await get(smallUrl, encoding);
    const largeAgain = await get(largeUrl, encoding);
    assert.deepEqual(after.body, before.body, `${encoding}: the small page changed after the large one was served`);
    assert.deepEqual(largeAgain.body, largeFirst.body, `${encoding}: the large page changed after the small one was served`);
  }
});

test('createCompressedBody() - Accept-Encoding with q=0, identity or none - is honoured', async (t) => {
  const base = await serve(t, ['<head></head>', '<p>x</p>']);
  const cases: Array<[string, string | undefined]> = [
    ['br, gzip', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*;q=0', undefined],
    ['identity', undefined],
    ['', undefined],
  ];
  for (const [accept, expected] of cases) {
    const { coding, body } = await get(base, accept);
    assert.equal(coding, expected, JSON.stringify(accept));
    assert.equal(decode(coding, body), '<head></head><p>x</p>', JSON.stringify(accept));
  }
});

test('createCompressedBody() - a HEAD request - gets headers and an empty body', async (t) => {
  const base = await serve(t, ['<head></head>', '<p>x</p>', '</html>']);
  for (const encoding of ['br, gzip', 'identity']) {
    const { coding, body } = await get(base, encoding, 'HEAD');
    assert.equal(body.length, 0);
    assert.equal(coding, undefined);
  }
});

/**
 * The head, flushed, must reach the browser and decode while the next fragment is still being
 * awaited: the server writes it only once the client has decoded the head.
 */
async function headBeforeSlowFragment(t: TestContext, encoding: 'br' | 'gzip', compressorFor?: CompressorFor): Promise<string> {
  let release!: () => void;
  const headSeen = new Promise<void>((resolve) => (release = resolve));
  const base = await listen(t, async (req, res) => {
    const headers: Record<string, string> = {};
    const body = createCompressedBody(req, res, headers, compressorFor);
    res.writeHead(200, headers);
    body.write('<head><title>streamed</title></head>');
    body.flush();
    await headSeen;
    body.write('<section>slow fragment</section>');
    body.end('</html>');
  });
  return new Promise<string>((resolve, reject) => {
    request(base, { headers: { 'accept-encoding': encoding } }, (res) => {
      assert.equal(res.headers['content-encoding'], encoding);
      const decoder = encoding === 'br' ? createBrotliDecompress() : createGunzip();
      let text = '';
      decoder.on('data', (chunk: Buffer) => {
        const before = text;
        text += chunk.toString();
        if (!before.includes('</head>') && text.includes('</head>')) {
          assert.doesNotMatch(text, /slow fragment/, 'the fragment was not written yet');
          release();
        }
      });
      decoder.on('end', () => resolve(text)).on('error', reject);
      res.pipe(decoder);
    })
      .on('error', reject)
      .end();
  });
}

test('createCompressedBody() - a slow fragment - the compressed head reaches the client and decodes before it', async (t) => {
  for (const [way, compressorFor] of ways) {
    for (const encoding of ['br', 'gzip'] as const) {
      const text = await headBeforeSlowFragment(t, encoding, compressorFor);
      assert.equal(text, '<head><title>streamed</title></head><section>slow fragment</section></html>', `${way}, ${encoding}`);
    }
  }
});

test('createCompressedBody() - the client leaves mid-page - the rest is dropped without an error and the engine is freed', async (t) => {
  let closes = 0;
  let compressedAfterClose = 0;
  const counting: CompressorFor = (encoding) => {
    const compressor = createPieceCompressor(encoding)!;
    let closed = false;
    return {
      compress(data, last) {
        if (closed) compressedAfterClose++;
        return compressor.compress(data, last);
      },
      close() {
        closed = true;
        closes++;
        compressor.close();
      },
    };
  };
  let finished!: (result: { destroyed: boolean; error?: unknown }) => void;
  const done = new Promise<{ destroyed: boolean; error?: unknown }>((resolve) => (finished = resolve));
  const base = await listen(t, (req: IncomingMessage, res: ServerResponse) => {
    const body = createCompressedBody(req, res, {}, counting);
    res.writeHead(200);
    body.write('<head></head>');
    body.flush();
    res.once('close', () => {
      try {
        body.write('<section>after the client left</section>');
        body.flush();
        body.end('</html>');
        finished({ destroyed: res.destroyed });
      } catch (error) {
        finished({ destroyed: res.destroyed, error });
      }
    });
  });
  const req = request(base, { headers: { 'accept-encoding': 'br' } }, (res) => res.once('data', () => req.destroy()));
  req.on('error', () => {}).end();
  const result = await done;
  assert.equal(result.destroyed, true, 'the response was cut short before the rest was written');
  assert.equal(result.error, undefined);
  assert.equal(closes, 1);
  assert.equal(compressedAfterClose, 0);
});
