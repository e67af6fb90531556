import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGzip, gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { packFiles } from '../../../runtime/shared/files/pack-files.ts';
import { get, makeTempDir, snapshotStore, startCdn } from '../helpers.ts';

const token = 'podlet-put-token';
const auth = { authorization: `Bearer ${token}` };

const release = packFiles([
  { path: 'auth.js', bytes: Buffer.from("import 'lit';\nexport const signedIn = false;\n") },
  { path: 'css/auth.css', bytes: Buffer.from('.auth{color:red}') },
]);

async function put(origin: string, path: string, body: Buffer, headers: Record<string, string> = auth) {
  const res = await fetch(origin + path, { method: 'PUT', body: new Uint8Array(body), headers });
  const json = (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown>;
  return { status: res.status, location: res.headers.get('location'), code: json.error?.code, json };
}

async function startStore(t: Parameters<typeof makeTempDir>[0]) {
  const store = join(await makeTempDir(t), 'store');
  return { store, origin: await startCdn(t, { storeDir: store, publishToken: token }) };
}

/** A tar entry: a 512-byte header and its padded bytes. */
function tarEntry(fields: ConstructorParameters<typeof Header>[0], bytes = Buffer.alloc(0)): Buffer {
  const header = new Header({ mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, size: bytes.length, ...fields });
  header.encode();
  return Buffer.concat([header.block!, bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
}

/** A tarball of `entries` with the end-of-archive blocks. */
function tgzOf(...entries: Buffer[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}

/** A 1.3 MB gzip: a header declaring a 320 MiB file, then 320 MiB of zeros (gzip members concatenate). */
async function gzipBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 64; i++) if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await done;
  const member = Buffer.concat(chunks);
  const head = new Header({ path: 'package/bomb.js', mode: 0o644, size: 5 * 64 * 1024 * 1024, type: 'File', mtime: new Date(0) });
  head.encode();
  return Buffer.concat([gzipSync(head.block!), member, member, member, member, member]);
}

describe('createCdnServer() - PUT /podlet/<name>@<version>', () => {
  test('PUT /podlet/<name>@<version> - a packFiles tarball - answers 201 with its URLs and serves its files and metadata', async (t) => {
    const { origin } = await startStore(t);
    const answer = await put(origin, '/podlet/auth@1.2.0', release);
    assert.equal(answer.status, 201);
    assert.equal(answer.location, '/-/podlet/auth@1.2.0');
    assert.deepEqual(answer.json, {
      name: 'auth',
      version: '1.2.0',
      metadata: '/-/podlet/auth@1.2.0',
      url: '/podlet/auth@1.2.0/',
      warnings: [],
    });
    const js = await get(`${origin}/podlet/auth@1.2.0/auth.js`, { 'accept-encoding': 'identity' });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await js.text(), "import 'lit';\nexport const signedIn = false;\n");
    assert.equal(await (await get(`${origin}/podlet/auth@1.2.0/css/auth.css`)).text(), '.auth{color:red}');
    const meta = (await (await get(`${origin}/-/podlet/auth@1.2.0`)).json()) as {
      kind: string;
      exports: object;
      files: Record<string, { integrity: string; imports?: string[] }>;
    };
    assert.equal(meta.kind, 'podlet');
    assert.deepEqual(meta.exports, { 'auth/': './' });
    assert.deepEqual(Object.keys(meta.files), ['auth.js', 'css/auth.css']);
    assert.deepEqual(meta.files['auth.js']!.imports, ['lit']);
    const sha = createHash('sha384').update("import 'lit';\nexport const signedIn = false;\n").digest('base64');
    assert.equal(meta.files['auth.js']!.integrity, `sha384-${sha}`);
    // The index learnt of it too: the alias of its line redirects to it.
    assert.equal((await get(`${origin}/podlet/auth@1/auth.js`)).headers.get('location'), '/podlet/auth@1.2.0/auth.js');
  });

  test('PUT /podlet/<name>@<version> - a module that minifies and one that does not parse - serves the first minified, hashed as served, with its map; keeps the second and warns', async (t) => {
    const { origin } = await startStore(t);
    const card = `import { html } from 'lit';\n/** A long comment that minifying drops. */\nexport function renderCard(cardTitle) {\n    const headingText = String(cardTitle);\n    return html\`<h2>\${headingText}</h2>${'<p>the same paragraph, compressible</p>'.repeat(8)}\`;\n}\n`;
    const broken = 'export const = 1;\n';
    const warn = t.mock.method(console, 'warn', () => {});
    const body = packFiles([
      { path: 'card.js', bytes: Buffer.from(card) },
      { path: 'broken.js', bytes: Buffer.from(broken) },
    ]);
    const answer = await put(origin, '/podlet/cards@1.0.0', body);
    assert.equal(answer.status, 201);
    const { warnings: told } = answer.json as { warnings: Array<{ code: string; message: string }> };
    assert.deepEqual(
      told.map((w) => w.code),
      ['PODMAP_ERR_CDN_MINIFY_SKIPPED'],
      'the publisher is told too, not only the CDN’s console',
    );
    assert.match(told[0]!.message, /broken\.js: Expected identifier/);
    const meta = (await (await get(`${origin}/-/podlet/cards@1.0.0`)).json()) as {
      files: Record<string, { size: number; integrity: string; imports?: string[]; published?: object; generated?: boolean }>;
    };
    assert.deepEqual(Object.keys(meta.files).sort(), ['broken.js', 'card.js', 'card.js.map']);
    for (const encoding of ['identity', 'br', 'gzip']) {
      const served = await get(`${origin}/podlet/cards@1.0.0/card.js`, { 'accept-encoding': encoding });
      assert.equal(served.headers.get('content-encoding'), encoding === 'identity' ? null : encoding);
      const bytes = Buffer.from(await served.arrayBuffer()); // fetch decodes br and gzip
      assert.ok(bytes.length < Buffer.byteLength(card), `minified: ${bytes.length} bytes`);
      assert.equal(meta.files['card.js']!.integrity, `sha384-${createHash('sha384').update(bytes).digest('base64')}`, encoding);
      assert.equal(meta.files['card.js']!.size, bytes.length);
    }
    assert.deepEqual(meta.files['card.js']!.imports, ['lit']);
    assert.deepEqual(meta.files['card.js']!.published, {
      size: Buffer.byteLength(card),
      integrity: `sha384-${createHash('sha384').update(card).digest('base64')}`,
    });
    assert.equal(meta.files['card.js.map']!.generated, true);
    const map = await get(`${origin}/podlet/cards@1.0.0/card.js.map`);
    assert.equal(map.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(((await map.json()) as { sourcesContent: string[] }).sourcesContent, [card]);
    assert.equal(await (await get(`${origin}/podlet/cards@1.0.0/broken.js`)).text(), broken);
    assert.equal(meta.files['broken.js']!.published, undefined);
    const warnings = warn.mock.calls.map((c) => String(c.arguments[0]));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^podmap: podlet cards@1\.0\.0: PODMAP_ERR_CDN_MINIFY_SKIPPED: .*\(broken\.js: Expected identifier/);
  });

  test('PUT /podlet/<name>@<version> - the same version again - answers 409 PODMAP_ERR_CDN_VERSION_EXISTS and the store stays byte-identical', async (t) => {
    const { store, origin } = await startStore(t);
    assert.equal((await put(origin, '/podlet/auth@1.0.0', release)).status, 201);
    const before = await snapshotStore(store);
    assert.ok(Object.keys(before).includes('podlet/auth@1.0.0/files/auth.js'), 'the first publish was stored');
    const other = packFiles([{ path: 'auth.js', bytes: Buffer.from('export const changed = true;') }]);
    assert.deepEqual(
      [(await put(origin, '/podlet/auth@1.0.0', other)).code, (await put(origin, '/podlet/auth@1.0.0', release)).code],
      ['PODMAP_ERR_CDN_VERSION_EXISTS', 'PODMAP_ERR_CDN_VERSION_EXISTS'],
    );
    assert.deepEqual(await snapshotStore(store), before);
  });

  test('PUT /podlet/<name>@<version> - a scoped name, an alias or a non-canonical version - answers 400 and stores nothing', async (t) => {
    const { store, origin } = await startStore(t);
    await (await get(`${origin}/-/podlet/auth`)).arrayBuffer(); // the server indexes the empty store on its first request
    const before = await snapshotStore(store);
    for (const [path, code] of [
      ['/podlet/@team/auth@1.0.0', 'PODMAP_ERR_CDN_BAD_NAME'],
      ['/podlet/Bad Name@1.0.0', 'PODMAP_ERR_CDN_BAD_NAME'],
      ['/podlet/auth@v1.0.0', 'PODMAP_ERR_CDN_BAD_VERSION'],
    ] as const) {
      assert.equal((await put(origin, path, release)).code, code, path);
    }
    assert.equal((await put(origin, '/podlet/auth@1', release)).code, 'PODMAP_ERR_METHOD_NOT_ALLOWED');
    assert.deepEqual(await snapshotStore(store), before);
  });
});

describe('createCdnServer() - PUT /podlet/ of a hostile tarball (security)', () => {
  const cases: Array<[string, () => Buffer | Promise<Buffer>, number, string]> = [
    [
      'a path that climbs out (package/../x.js)',
      () => tgzOf(tarEntry({ path: 'package/../x.js', type: 'File' }, Buffer.from('x'))),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    [
      'an absolute path',
      () => tgzOf(tarEntry({ path: '/etc/x.js', type: 'File' }, Buffer.from('x'))),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    [
      'a file outside package/',
      () => tgzOf(tarEntry({ path: 'other/x.js', type: 'File' }, Buffer.from('x'))),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    [
      'a folder that climbs out (package/../)',
      () => tgzOf(tarEntry({ path: 'package/../', type: 'Directory', mode: 0o755 })),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    [
      'a symbolic link entry',
      () => tgzOf(tarEntry({ path: 'package/a.js', type: 'SymbolicLink', linkpath: '/etc/passwd' })),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    [
      'a hard link entry',
      () => tgzOf(tarEntry({ path: 'package/a.js', type: 'Link', linkpath: 'package/b.js' })),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    ['a device entry', () => tgzOf(tarEntry({ path: 'package/a.js', type: 'CharacterDevice' })), 400, 'PODMAP_ERR_CDN_TARBALL_INVALID'],
    ['a body that is not gzip', () => Buffer.from('not a tarball at all'), 400, 'PODMAP_ERR_CDN_TARBALL_INVALID'],
    ['an empty body', () => Buffer.alloc(0), 400, 'PODMAP_ERR_CDN_TARBALL_INVALID'],
    [
      'an archive without files',
      () => tgzOf(tarEntry({ path: 'package/', type: 'Directory', mode: 0o755 })),
      400,
      'PODMAP_ERR_CDN_TARBALL_INVALID',
    ],
    ['a gzip bomb (1.3 MB inflating to 320 MiB)', gzipBomb, 413, 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE'],
  ];
  for (const [what, make, status, code] of cases) {
    test(`PUT /podlet/<name>@<version> - ${what} - answers ${status} ${code} and stores nothing`, async (t) => {
      const { store, origin } = await startStore(t);
      const body = await make();
      const answer = await put(origin, '/podlet/evil@1.0.0', body);
      assert.deepEqual([answer.status, answer.code], [status, code], answer.json.error?.message);
      t.diagnostic(answer.json.error!.message);
      assert.deepEqual(
        Object.keys(await snapshotStore(store)).filter((path) => path.startsWith('podlet')),
        [],
      );
      assert.equal((await get(`${origin}/-/podlet/evil`)).status, 404);
    });
  }

  test('PUT /podlet/<name>@<version> - a tarball with a link and a good file - refuses the whole tarball, not only the link', async (t) => {
    const { store, origin } = await startStore(t);
    const body = tgzOf(
      tarEntry({ path: 'package/good.js', type: 'File' }, Buffer.from('export {}')),
      tarEntry({ path: 'package/bad.js', type: 'SymbolicLink', linkpath: '../../secret' }),
    );
    assert.equal((await put(origin, '/podlet/evil@1.0.0', body)).code, 'PODMAP_ERR_CDN_TARBALL_INVALID');
    assert.deepEqual(await snapshotStore(store).then((s) => Object.keys(s).filter((p) => p.startsWith('podlet'))), []);
  });
});
