import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { readTarball } from '../../../runtime/cdn/publish/read-tarball.ts';
import { PodmapError, type ErrorCode } from '../../../runtime/shared/errors.ts';
import { makeTempDir, manifestOf, packFixture, startCdn } from '../helpers.ts';

const MiB = 1024 * 1024;
/** The growth of the process the bomb may cause; the old reader grew by 2.8 GB. */
const memoryBound = 100 * MiB;

/** A 512-byte tar header for a regular file of `size` bytes. */
function tarHeader(path: string, size: number): Buffer {
  const header = new Header({ path, mode: 0o644, size, type: 'File', mtime: new Date(0), uid: 0, gid: 0 });
  header.encode();
  return header.block!;
}

/** A gzip member that inflates to `megabytes` MiB of zeros, built 1 MiB at a time (~64 KB per 64 MiB). */
async function gzippedZeros(megabytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < megabytes; i++) if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/**
 * A real gzip bomb: `head` (tar bytes) followed by 2.5 GiB of zeros. gzip members concatenate
 * (RFC 1952, and what gunzip does), so 40 copies of one 64 MiB member make a 2.6 MB file.
 */
async function gzipBomb(head: Buffer): Promise<Buffer> {
  const member = await gzippedZeros(64);
  return Buffer.concat([gzipSync(head), ...Array.from({ length: 40 }, () => member)]);
}

/** Runs `work`, sampling the process's memory every millisecond; the peak growth of each figure. */
async function peakGrowth(work: () => Promise<unknown>): Promise<{ rss: number; arrayBuffers: number; external: number }> {
  const before = process.memoryUsage();
  const peak = { rss: 0, arrayBuffers: 0, external: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    for (const key of ['rss', 'arrayBuffers', 'external'] as const) peak[key] = Math.max(peak[key], now[key] - before[key]);
  };
  const timer = setInterval(sample, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
    sample();
  }
  return peak;
}

async function refusal(work: Promise<unknown>): Promise<ErrorCode> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof PodmapError, String(error));
    return error.code;
  }
  assert.fail('expected a refusal');
}

describe('readTarball() - limits checked as the bytes arrive', () => {
  test('readTarball() - a gzip bomb (2.6 MB declaring a 2.5 GiB file) - is refused with PODMAP_ERR_CDN_TARBALL_TOO_LARGE before it is unpacked (security)', async (t) => {
    const bomb = await gzipBomb(tarHeader('package/bomb.js', 40 * 64 * MiB));
    assert.ok(bomb.length < 3 * MiB, `the bomb is ${bomb.length} bytes`);
    let code: ErrorCode | undefined;
    const started = performance.now();
    const peak = await peakGrowth(async () => (code = await refusal(readTarball(bomb))));
    const ms = performance.now() - started;
    assert.equal(code, 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE');
    assert.ok(peak.arrayBuffers < memoryBound && peak.external < memoryBound && peak.rss < memoryBound, JSON.stringify(peak));
    t.diagnostic(`header bomb: refused in ${ms.toFixed(0)} ms; peak growth ${JSON.stringify(peak)}`);
  });

  test('readTarball() - a valid tarball followed by 2.5 GiB of zeros - stops inflating soon after the end of the archive with PODMAP_ERR_CDN_TARBALL_TOO_LARGE (security)', async (t) => {
    const dir = await makeTempDir(t);
    const tar = gunzipSync(await readFile(await packFixture(dir, { 'package.json': manifestOf('z', '1.0.0'), 'index.js': '' })));
    const bomb = await gzipBomb(tar);
    let code: ErrorCode | undefined;
    const started = performance.now();
    const peak = await peakGrowth(async () => (code = await refusal(readTarball(bomb))));
    const ms = performance.now() - started;
    assert.equal(code, 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE');
    assert.ok(peak.arrayBuffers < memoryBound && peak.external < memoryBound && peak.rss < memoryBound, JSON.stringify(peak));
    t.diagnostic(`trailing-zeros bomb: refused in ${ms.toFixed(0)} ms; peak growth ${JSON.stringify(peak)}`);
  });

  test('readTarball() - a tarball that inflates past maxUnpackedBytes - is refused with PODMAP_ERR_CDN_TARBALL_TOO_LARGE', async () => {
    const entries = Array.from({ length: 3 }, (_, i) => Buffer.concat([tarHeader(`package/f${i}.js`, 4096), Buffer.alloc(4096)]));
    const tgz = gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
    assert.equal(await refusal(readTarball(tgz, { maxUnpackedBytes: 10_000 })), 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE');
  });

  test('readTarball() - more entries than maxEntries - is refused with PODMAP_ERR_CDN_TARBALL_TOO_LARGE', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => tarHeader(`package/f${i}.js`, 0));
    const tgz = gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
    assert.equal(await refusal(readTarball(tgz, { maxEntries: 10 })), 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE');
  });

  test('readTarball() - an entry over maxEntryBytes - is refused with PODMAP_ERR_CDN_TARBALL_TOO_LARGE at its header', async () => {
    const tgz = gzipSync(Buffer.concat([tarHeader('package/big.js', 2048), Buffer.alloc(2048 + 1024)]));
    assert.equal(await refusal(readTarball(tgz, { maxEntryBytes: 1024 })), 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE');
  });

  test('readTarball() - a gzip inside the gzip - is refused with PODMAP_ERR_CDN_TARBALL_INVALID, not inflated uncounted (security)', async () => {
    const inner = gzipSync(Buffer.concat([tarHeader('package/a.js', 0), Buffer.alloc(1024)]));
    assert.equal(await refusal(readTarball(gzipSync(inner))), 'PODMAP_ERR_CDN_TARBALL_INVALID');
  });

  test('readTarball() - a package.json over 1 MiB - is refused with PODMAP_ERR_CDN_MANIFEST_TOO_LARGE', async (t) => {
    const dir = await makeTempDir(t);
    const manifest = manifestOf('m', '1.0.0', { description: 'x'.repeat(MiB) });
    const tgz = await readFile(await packFixture(dir, { 'package.json': manifest, 'index.js': '' }));
    assert.equal(await refusal(readTarball(tgz)), 'PODMAP_ERR_CDN_MANIFEST_TOO_LARGE');
  });

  test('readTarball() - a package.json with more than 50,000 exports keys - is refused with PODMAP_ERR_CDN_MANIFEST_TOO_LARGE', async (t) => {
    const dir = await makeTempDir(t);
    const exports = Object.fromEntries(Array.from({ length: 50_001 }, (_, i) => [`./${i.toString(36)}`, 0]));
    const tgz = await readFile(await packFixture(dir, { 'package.json': manifestOf('m', '1.0.0', { exports }), 'index.js': '' }));
    assert.equal(await refusal(readTarball(tgz)), 'PODMAP_ERR_CDN_MANIFEST_TOO_LARGE');
  });

  test('readTarball() - a tarball within the limits - is read as before', async (t) => {
    const dir = await makeTempDir(t);
    const tgz = await readFile(await packFixture(dir, { 'package.json': manifestOf('ok', '1.0.0'), 'lib/a.js': 'export {}' }));
    const { manifest, files } = await readTarball(tgz);
    assert.equal(manifest.name, 'ok');
    assert.deepEqual([...files.keys()].sort(), ['lib/a.js', 'package.json']);
    assert.equal(files.get('lib/a.js')!.toString(), 'export {}');
  });
});

describe('createCdnServer() - PUT of a gzip bomb', () => {
  test('createCdnServer() - a PUT of a gzip bomb - answers 413 PODMAP_ERR_CDN_TARBALL_TOO_LARGE and stores nothing (security)', async (t) => {
    const dir = await makeTempDir(t);
    const store = join(dir, 'store');
    const origin = await startCdn(t, { storeDir: store, publishToken: 'secret' });
    const bomb = await gzipBomb(tarHeader('package/bomb.js', 40 * 64 * MiB));
    const res = await fetch(`${origin}/npm/bomb@1.0.0`, {
      method: 'PUT',
      body: new Uint8Array(bomb),
      headers: { authorization: 'Bearer secret' },
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_CDN_TARBALL_TOO_LARGE');
    assert.deepEqual(
      (await readdir(store).catch(() => [])).filter((name) => name === 'npm'),
      [],
    );
  });

  test('createCdnServer() - a PUT whose upload is still arriving when its tarball is refused - answers 413 before the upload ends: uploads are unpacked as they arrive, never held whole (security)', async (t) => {
    const dir = await makeTempDir(t);
    const origin = await startCdn(t, { storeDir: join(dir, 'store'), publishToken: 'secret', uploadTimeoutMs: 10_000 });
    const { port } = new URL(origin);
    const head = await gzipBomb(tarHeader('package/bomb.js', 40 * 64 * MiB));
    const started = performance.now();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/npm/bomb@1.0.0',
          headers: { authorization: 'Bearer secret', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      t.after(() => req.destroy());
      req.write(head); // the whole bomb, and then the upload never ends
    });
    const ms = performance.now() - started;
    assert.equal(answer.status, 413);
    assert.match(answer.body, /PODMAP_ERR_CDN_TARBALL_TOO_LARGE/);
    // Before, the body was read to its end first: this upload would have waited for the 10 s upload time-out.
    assert.ok(ms < 5_000, `answered after ${ms.toFixed(0)} ms`);
  });
});
