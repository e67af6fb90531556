import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { readReleaseTarball } from '../../runtime/cdn/publish/read-tarball.ts';
import { PodmapError } from '../../runtime/shared/errors.ts';
import { packFiles, type PackedFile } from '../../runtime/shared/files/pack-files.ts';

interface ReadBack {
  path: string;
  type: string;
  mode: number;
  mtime: number;
  uid: number;
  gid: number;
  text: string;
}

/** Every entry of a tarball as the `tar` package reads it (strict: a bad checksum or header throws). */
async function readWithTar(tgz: Buffer): Promise<ReadBack[]> {
  const entries: ReadBack[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () =>
        entries.push({
          path: entry.path,
          type: entry.type,
          mode: entry.mode!,
          mtime: entry.mtime!.getTime(),
          uid: entry.uid!,
          gid: entry.gid!,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    },
  });
  await pipeline(Readable.from([tgz]), parser);
  return entries;
}

const deep = `${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(20)}/${'d'.repeat(90)}.js`;
const files: PackedFile[] = [
  { path: 'z.js', bytes: Buffer.from('export const z = 1;') },
  { path: 'auth.js', bytes: Buffer.from('export {}') },
  { path: 'css/été.css', bytes: Buffer.from('a{}') },
  { path: deep, bytes: Buffer.from('x'.repeat(1500)) },
  { path: 'empty.txt', bytes: Buffer.alloc(0) },
];

describe('packFiles()', () => {
  test('packFiles() - read back with the tar package - every file under package/, in path order, 0644, owner 0, mtime 0, same bytes', async () => {
    const entries = await readWithTar(packFiles(files));
    const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    assert.deepEqual(
      entries,
      sorted.map(({ path, bytes }) => ({
        path: `package/${path}`,
        type: 'File',
        mode: 0o644,
        mtime: 0,
        uid: 0,
        gid: 0,
        text: bytes.toString('utf8'),
      })),
    );
    assert.ok(`package/${deep}`.length > 100, 'the deep path needs the prefix field');
  });

  test('packFiles() - the long path - goes into the ustar prefix field, not a pax or GNU long-name entry', () => {
    const tar = gunzipSync(packFiles([{ path: deep, bytes: Buffer.from('x') }]));
    assert.equal(tar.length, 512 * 4, 'one header, one data block, two end blocks: no extra header entry');
    assert.equal(tar.subarray(257, 263).toString('latin1'), 'ustar\u0000');
    assert.equal(
      tar.subarray(345, 500).toString('utf8').replace(/\0+$/, ''),
      `package/${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(20)}`,
    );
  });

  test('packFiles() - read back through the CDN (readReleaseTarball) - gives the same files', async () => {
    const read = await readReleaseTarball(packFiles(files));
    assert.deepEqual(new Map([...read].sort()), new Map(files.map(({ path, bytes }) => [path, bytes] as const).sort()));
  });

  test('packFiles() - the same files in another order - gives the same bytes', () => {
    const first = packFiles(files);
    assert.deepEqual(packFiles([...files].reverse()), first);
    assert.notDeepEqual(packFiles(files.slice(1)), first);
  });

  test('packFiles() - a path that cannot be stored, a duplicate, or one that cannot fit a ustar header - throws PODMAP_ERR_BAD_PATH', () => {
    const tooLong = `${'p'.repeat(150)}/${'n'.repeat(101)}.js`; // no "/" splits it into ≤155 + ≤100 bytes
    const tooLongUtf8 = `${'é'.repeat(60)}.js`; // 63 characters, but 123 bytes in one segment
    for (const bad of [[''], ['../x.js'], ['/abs.js'], ['a//b.js'], ['a\\b.js'], ['./a.js'], ['a.js', 'a.js'], [tooLong], [tooLongUtf8]]) {
      assert.throws(
        () => packFiles(bad.map((path) => ({ path, bytes: Buffer.from('x') }))),
        (error: unknown) => error instanceof PodmapError && error.code === 'PODMAP_ERR_BAD_PATH',
        bad.join(', '),
      );
    }
  });

  test('packFiles() - a path of exactly 100 bytes with package/, and the longest that fits - are packed and read back', async () => {
    const exact = 'e'.repeat(100 - 'package/'.length);
    const longest = `${'p'.repeat(155 - 'package/'.length)}/${'n'.repeat(100)}`;
    const read = await readReleaseTarball(packFiles([exact, longest].map((path) => ({ path, bytes: Buffer.from(path) }))));
    assert.deepEqual([...read.keys()].sort(), [exact, longest].sort());
    assert.equal(read.get(longest)!.toString(), longest);
  });
});
