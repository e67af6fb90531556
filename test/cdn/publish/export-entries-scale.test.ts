import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectExportEntries } from '../../../runtime/cdn/publish/collect-export-entries.ts';
import { findEntryPoints } from '../../../runtime/cdn/build/find-entry-points.ts';
import type { PackageManifest } from '../../../runtime/shared/cdn-protocol/types.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';

const keys = 20_000;
const half = keys / 2;

/** 10,000 exact keys and 10,000 patterns, each with its file: what blocked the CDN for 45 s. */
function largePackage(): { manifest: PackageManifest; files: Map<string, Buffer> } {
  const exports: Record<string, unknown> = {};
  const files = new Map<string, Buffer>([['package.json', Buffer.from('{}')]]);
  for (let i = 0; i < half; i++) {
    exports[`./f${i}`] = { types: `./dist/f${i}.d.ts`, import: `./dist/f${i}.js` };
    exports[`./p${i}/*.js`] = `./dist/p${i}/*.js`;
    files.set(`dist/f${i}.js`, Buffer.alloc(0));
    files.set(`dist/p${i}/x.js`, Buffer.alloc(0));
  }
  return { manifest: { name: 'big', version: '1.0.0', exports } as PackageManifest, files };
}

/**
 * Runs `work` and returns the CPU time this process spent on it: not wall-clock time, which also
 * counts what other processes of a loaded machine did meanwhile. The quadratic walk this guards
 * against took 45 s here; the linear one takes tens of milliseconds.
 */
function timed<T>(work: () => T): { result: T; ms: number } {
  const started = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(started);
  return { result, ms: (used.user + used.system) / 1000 };
}

describe('export processing - linear in the number of exports keys', () => {
  test('collectExportEntries() - a package.json with 20,000 exports keys - takes under a second of CPU and maps every key (regression)', (t) => {
    const { manifest } = largePackage();
    const { result, ms } = timed(() => collectExportEntries(manifest));
    t.diagnostic(`collectExportEntries: ${keys} keys in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1000, `${ms} ms`);
    assert.equal(Object.keys(result).length, keys + 1);
    assert.equal(result['big/f9999'], './dist/f9999.js');
    assert.equal(result['big/p9999/'], './dist/p9999/');
    assert.equal(result['big/'], './');
  });

  test('findEntryPoints() - a package.json with 20,000 exports keys - takes under a second of CPU and finds every entry point (regression)', (t) => {
    const { manifest, files } = largePackage();
    const { result, ms } = timed(() => findEntryPoints(manifest, files));
    t.diagnostic(`findEntryPoints: ${keys} keys in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1000, `${ms} ms`);
    assert.equal(Object.keys(result).length, keys);
    assert.equal(result['./f0'], 'dist/f0.js');
    assert.equal(result['./p9999/x.js'], 'dist/p9999/x.js');
  });

  test('findEntryPoints() - a more specific pattern or an exact key - wins a subpath, and null excludes it (Node rules)', () => {
    const manifest = {
      name: 'n',
      version: '1.0.0',
      exports: { './*': './dist/*.js', './internal/*': null, './special/*': './other/*.js', './a': './dist/b.js' },
    } as PackageManifest;
    const files = new Map(
      ['dist/a.js', 'dist/b.js', 'dist/internal/x.js', 'dist/special/y.js', 'other/y.js'].map((f) => [f, Buffer.alloc(0)]),
    );
    assert.deepEqual(findEntryPoints(manifest, files), {
      './a': 'dist/b.js',
      './b': 'dist/b.js',
      './special/y': 'other/y.js',
    });
  });

  test('collectExportEntries() and findEntryPoints() - more than 50,000 exports keys - throw PODMAP_ERR_CDN_MANIFEST_TOO_LARGE', () => {
    const exports = Object.fromEntries(Array.from({ length: 50_001 }, (_, i) => [`./k${i}`, `./k${i}.js`]));
    const manifest = { name: 'huge', version: '1.0.0', exports } as PackageManifest;
    const isTooLarge = (error: unknown) => error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_MANIFEST_TOO_LARGE';
    assert.throws(() => collectExportEntries(manifest), isTooLarge);
    assert.throws(() => findEntryPoints(manifest, new Map()), isTooLarge);
  });
});
