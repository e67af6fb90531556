import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildPackageMap } from '../../../runtime/cdn/store/build-package-map.ts';
import { collectExportEntries } from '../../../runtime/cdn/publish/collect-export-entries.ts';
import { selectPackageFiles } from '../../../runtime/cdn/publish/select-package-files.ts';
import type { VersionMetadata } from '../../../runtime/shared/cdn-protocol/types.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';

function version(name: string, v: string, dependencies: Record<string, string> = {}, files = ['index.js']): VersionMetadata {
  return {
    kind: 'npm',
    name,
    version: v,
    dependencies,
    exports: { [name]: './index.js', [`${name}/`]: './' },
    files: Object.fromEntries(
      files.map((f) => [f, { size: 1, integrity: `sha384-${name}${v}${f}`, type: 'text/javascript; charset=utf-8' }]),
    ),
  };
}

function snapshot(...versions: VersionMetadata[]) {
  const available: Record<string, string[]> = {};
  const metadata = new Map<string, VersionMetadata>();
  for (const m of versions) {
    (available[m.name] ??= []).push(m.version);
    metadata.set(`${m.name}@${m.version}`, m);
  }
  return { available, metadata };
}

describe('buildPackageMap()', () => {
  test('picks the newest version in the store that satisfies each range', () => {
    const root = version('app', '1.0.0', { lib: '^1.1.0' });
    const map = buildPackageMap(root, snapshot(version('lib', '1.0.0'), version('lib', '1.4.0'), version('lib', '2.0.0')));
    assert.equal(map.imports['lib'], '/npm/lib@1.4.0/index.js');
    assert.equal(map.imports['lib/'], '/npm/lib@1.4.0/');
  });

  test('two majors of one dependency - the nearer one in imports, the other in a scope of the package that needs it', () => {
    const root = version('app', '1.0.0', { lib: '^2.0.0', old: '^1.0.0' });
    const store = snapshot(version('lib', '1.9.0'), version('lib', '2.1.0'), version('old', '1.0.0', { lib: '^1.0.0' }));
    const map = buildPackageMap(root, store);
    assert.equal(map.imports['lib'], '/npm/lib@2.1.0/index.js');
    assert.deepEqual(map.scopes, { '/npm/old@1.0.0/': { lib: '/npm/lib@1.9.0/index.js', 'lib/': '/npm/lib@1.9.0/' } });
    assert.deepEqual(Object.keys(map.integrity).sort(), [
      '/npm/app@1.0.0/index.js',
      '/npm/lib@1.9.0/index.js',
      '/npm/lib@2.1.0/index.js',
      '/npm/old@1.0.0/index.js',
    ]);
  });

  test('integrity lists JavaScript modules only', () => {
    const root = version('app', '1.0.0', {}, ['index.js', 'a.mjs', 'style.css', 'index.js.map']);
    assert.deepEqual(Object.keys(buildPackageMap(root, snapshot()).integrity).sort(), ['/npm/app@1.0.0/a.mjs', '/npm/app@1.0.0/index.js']);
  });

  test('a range no store version satisfies - throws PODMAP_ERR_CDN_DEPENDENCY_MISSING naming it', () => {
    const root = version('app', '1.0.0', { lib: '^3.0.0' });
    assert.throws(
      () => buildPackageMap(root, snapshot(version('lib', '2.0.0'))),
      (e: unknown) => e instanceof PodmapError && e.code === 'PODMAP_ERR_CDN_DEPENDENCY_MISSING' && /lib@\^3\.0\.0/.test(e.message),
    );
  });

  test('dependency cycles terminate', () => {
    const root = version('a', '1.0.0', { b: '1' });
    const map = buildPackageMap(root, snapshot(version('b', '1.0.0', { a: '1' }), root));
    assert.equal(map.imports['b'], '/npm/b@1.0.0/index.js');
  });
});

describe('collectExportEntries()', () => {
  test('takes browser and production targets, never development, node or types', () => {
    const entries = collectExportEntries({
      name: 'pkg',
      version: '1.0.0',
      exports: {
        '.': {
          types: './x.d.ts',
          node: './node.js',
          development: './dev.js',
          browser: { development: './dev.js', default: './browser.js' },
          default: './default.js',
        },
        './feature.js': { development: './dev/feature.js', production: './prod/feature.js', default: './feature.js' },
        './internal/*': null,
      },
    });
    assert.deepEqual(entries, { pkg: './browser.js', 'pkg/feature.js': './prod/feature.js', 'pkg/': './' });
  });

  test('a subpath pattern with a folder prefix - becomes a prefix entry', () => {
    const entries = collectExportEntries({ name: '@a/b', version: '1.0.0', exports: { '.': './dist/index.js', './*': './dist/*' } });
    assert.deepEqual(entries, { '@a/b': './dist/index.js', '@a/b/': './dist/' });
  });

  test('no exports field - uses browser, module, then main', () => {
    assert.deepEqual(collectExportEntries({ name: 'p', version: '1.0.0', module: 'esm/p.js', main: 'cjs/p.js' }), {
      p: './esm/p.js',
      'p/': './',
    });
    assert.deepEqual(collectExportEntries({ name: 'p', version: '1.0.0', browser: './b.js', main: 'm.js' }), { p: './b.js', 'p/': './' });
  });
});

describe('selectPackageFiles()', () => {
  test('applies `files` with folders, globs, braces and negation, and always keeps package.json, README, LICENSE and main', () => {
    const paths = [
      'package.json',
      'README.md',
      'LICENSE',
      'main.cjs',
      'index.js',
      'index.d.ts',
      'src/a.ts',
      'dist/a.js',
      'dist/test/a.js',
      'package-lock.json',
    ];
    const manifest = { name: 'x', version: '1.0.0', main: './main.cjs', files: ['/dist/', '!/dist/test/', 'index.{js,d.ts}'] };
    assert.deepEqual(selectPackageFiles(paths, manifest), [
      'package.json',
      'README.md',
      'LICENSE',
      'main.cjs',
      'index.js',
      'index.d.ts',
      'dist/a.js',
    ]);
  });

  test('without `files` - keeps everything but what npm always leaves out', () => {
    assert.deepEqual(selectPackageFiles(['a.js', 'package-lock.json', 'x.orig'], { name: 'x', version: '1.0.0' }), ['a.js']);
  });

  test("reads extglobs as npm does: rxjs's dist/esm5/**/!(*.tsbuildinfo) keeps the modules and drops the build info", () => {
    const paths = [
      'dist/esm5/index.js',
      'dist/esm5/internal/Observable.js',
      'dist/esm5/.tsbuildinfo',
      'dist/esm5/x.tsbuildinfo',
      'dist/other.js',
      'package.json',
    ];
    const manifest = { name: 'rxjs', version: '7.8.2', files: ['dist/esm5/**/!(*.tsbuildinfo)'] };
    assert.deepEqual(selectPackageFiles(paths, manifest), ['dist/esm5/index.js', 'dist/esm5/internal/Observable.js', 'package.json']);
  });
});
