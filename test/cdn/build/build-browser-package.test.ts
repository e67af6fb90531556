import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { buildBrowserPackage } from '../../../runtime/cdn/build/build-browser-package.ts';
import { findEntryPoints } from '../../../runtime/cdn/build/find-entry-points.ts';
import type { PackageManifest } from '../../../runtime/shared/cdn-protocol/types.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';

const filesOf = (tree: Record<string, string>) => new Map(Object.entries(tree).map(([path, text]) => [path, Buffer.from(text)]));
const text = (build: Awaited<ReturnType<typeof buildBrowserPackage>>, path: string) => build!.files.get(path)?.toString('utf8') ?? '';

/** Imports a built module from a data: URL after replacing its relative and bare imports with the given modules' data: URLs. */
async function load(code: string, links: Record<string, string> = {}): Promise<Record<string, unknown>> {
  let linked = code;
  for (const [specifier, url] of Object.entries(links)) linked = linked.split(JSON.stringify(specifier)).join(JSON.stringify(url));
  return import(`data:text/javascript;base64,${Buffer.from(linked).toString('base64')}`);
}
const dataUrl = (code: string) => `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;

/** A built module as a data: URL, its relative imports of other built modules linked the same way, and bare ones from `externals`. */
function linkBuilt(build: Awaited<ReturnType<typeof buildBrowserPackage>>, file: string, externals: Record<string, string> = {}): string {
  const code = text(build, file).replace(/"(\.\.?\/[^"]+)"/g, (_, relative: string) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), relative));
    return JSON.stringify(linkBuilt(build, target, externals));
  });
  let linked = code;
  for (const [specifier, url] of Object.entries(externals)) linked = linked.split(JSON.stringify(specifier)).join(JSON.stringify(url));
  return dataUrl(linked);
}

describe('buildBrowserPackage()', () => {
  test('a CommonJS package - becomes an ES module with its named exports and a default, for production', async () => {
    const manifest: PackageManifest = { name: 'cjs-lib', version: '1.0.0', main: 'index.js' };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': JSON.stringify(manifest),
        'index.js':
          "if (process.env.NODE_ENV === 'production') module.exports = require('./prod.js'); else module.exports = require('./dev.js');",
        'prod.js': "exports.useThing = () => 'prod'; exports.mode = process.env.NODE_ENV; exports.other = process.env.SOME_FLAG;",
        'dev.js': "exports.useThing = () => 'dev'; throw new Error('the development build must not be bundled');",
      }),
    );
    assert.equal(build!.build.entries['.'], '+/index.js');
    const code = text(build, '+/index.js');
    assert.doesNotMatch(code, /development build must not/);
    const module = await load(code);
    assert.equal((module.useThing as () => string)(), 'prod');
    assert.equal(module.mode, 'production');
    assert.equal(module.other, undefined, 'other process.env reads are undefined, not a ReferenceError');
    assert.equal((module.default as { useThing(): string }).useThing(), 'prod');
  });

  test('require() of another package - goes through an import the page map resolves, with its named exports', async () => {
    const manifest: PackageManifest = { name: 'uses-react', version: '1.0.0', main: 'index.js' };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': '{}',
        'index.js': "var React = require('react'); exports.make = function () { return React.createElement('p'); };",
      }),
    );
    const code = text(build, '+/index.js');
    assert.match(code, /from\s*"react"/, 'react stays a bare import');
    assert.doesNotMatch(code, /__require|require\(/, 'no require() is left for the browser');
    const fakeReact = dataUrl('export const createElement = (t) => ({ t }); export default { createElement: (t) => ({ t }) };');
    const module = await load(code, { react: fakeReact });
    assert.deepEqual((module.make as () => unknown)(), { t: 'p' });
  });

  test('extensionless relative imports and the object form of `browser` - resolve to real files', async () => {
    const manifest: PackageManifest = {
      name: 'ext',
      version: '1.0.0',
      module: 'esm/index.js',
      browser: { './esm/node.js': './esm/web.js', fs: false },
    };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': JSON.stringify(manifest),
        'esm/index.js': "export { where } from './node';\nimport fs from 'fs';\nexport const hasFs = Object.keys(fs).length > 0;\n",
        'esm/node.js': "export const where = 'node';",
        'esm/web.js': "export const where = 'web';",
      }),
    );
    assert.deepEqual(build!.build.unavailable, {});
    const module = await load(text(build, '+/index.js'));
    assert.equal(module.where, 'web');
    assert.equal(module.hasFs, false);
  });

  test('imports of JSON, text, TypeScript and a file without an extension - are built in, with declarations, a source map and a README beside them', async () => {
    const manifest: PackageManifest = { name: 'data-lib', version: '1.0.0', main: 'index.js' };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': JSON.stringify(manifest),
        'index.js':
          "import data from './data.json';\nimport notes from './notes.txt';\nimport { twice } from './twice.ts';\nimport helper from './lib/helper';\n" +
          'export const answer = twice(data.half) + helper.offset;\nexport { notes };\n',
        'data.json': '{ "half": 20 }',
        'notes.txt': 'plain text',
        'twice.ts': 'export const twice = (n: number): number => n * 2;\n',
        'lib/helper': 'module.exports = { offset: 2 };\n',
        'index.d.ts': 'export declare const answer: number;\n',
        'index.js.map': '{"version":3,"sources":[],"mappings":""}',
        'README.md': '# data-lib\n',
      }),
    );
    assert.deepEqual(build!.build.unavailable, {});
    const module = await load(text(build, '+/index.js'));
    assert.equal(module.answer, 42);
    assert.equal(module.notes, 'plain text');
  });

  test('an entry point that needs a Node built-in - is left out and marked unavailable, with the reason', async () => {
    const manifest: PackageManifest = { name: 'mixed', version: '1.0.0', exports: { '.': './index.js', './server': './server.js' } };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': '{}',
        'index.js': 'export const ok = 1;',
        'server.js': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;",
      }),
    );
    assert.deepEqual(Object.keys(build!.build.entries), ['.']);
    assert.match(build!.build.unavailable['./server'] ?? '', /^needs Node: imports the built-in "fs"/);
    assert.ok(!build!.files.has('+/server.js'));
  });

  test('a package whose build outlives its budget (12,000 nested `if (a)`: about 24 s) - PODMAP_ERR_CDN_BUILD_TIMEOUT naming it, within the budget and a margin, its process gone; the next build runs', async () => {
    const manifest: PackageManifest = { name: 'slow', version: '1.0.0' };
    const files = filesOf({ 'package.json': '{}', 'index.js': `export function f(a, b) { ${'if (a) '.repeat(12_000)}b(); }\n` });
    const started = performance.now();
    const error = await buildBrowserPackage(manifest, files, { timeoutMs: 200 }).catch((e: unknown) => e);
    const took = performance.now() - started;
    assert.ok(error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_BUILD_TIMEOUT', String(error));
    assert.match(error.detail!, /^slow@1\.0\.0: process \d+ killed after 200 ms$/);
    // A cold build process loads its modules before the budget starts: a few seconds under tsx on a busy machine.
    assert.ok(took < 200 + 8_000, `answered after ${Math.round(took)} ms`);
    const pid = Number(/process (\d+)/.exec(error.detail!)![1]);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the build process is gone');
    const next = await buildBrowserPackage(
      { name: 'quick', version: '1.0.0' },
      filesOf({ 'package.json': '{}', 'index.js': 'export const ok = 1;\n' }),
    );
    assert.equal(next!.build.entries['.'], '+/index.js');
    assert.match(next!.files.get('+/index.js')!.toString(), /ok/);
  });

  test('an ES module package (type: module) that calls require() on a built-in - is left out with the reason, as a CommonJS one is', async () => {
    const manifest: PackageManifest = {
      name: 'esm-requires',
      version: '1.0.0',
      type: 'module',
      exports: { '.': './index.js', './fs': './fs.js', './path': './path.js', './lazy': './lazy.js' },
    };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': JSON.stringify(manifest),
        'index.js': 'export const ok = 1;\n',
        'fs.js': "import { ok } from './index.js';\nconst fs = require('fs');\nexport const read = () => ok && fs.readFileSync;\n",
        'path.js': "export const join = (...parts) => require('node:path').join(...parts);\n",
        'lazy.js': "let os;\ntry { os = require('os'); } catch {}\nexport const cpus = () => os?.cpus();\n",
      }),
    );
    assert.deepEqual(Object.keys(build!.build.entries), ['.']);
    assert.match(build!.build.unavailable['./fs'] ?? '', /^needs Node: imports the built-in "fs"/);
    assert.match(build!.build.unavailable['./path'] ?? '', /^needs Node: imports the built-in "path"/);
    assert.match(build!.build.unavailable['./lazy'] ?? '', /^needs Node: imports the built-in "os"/);
  });

  test('deep imports the main module re-exports - are thin modules over the main build, so state is shared', async () => {
    const manifest: PackageManifest = {
      name: 'fns',
      version: '1.0.0',
      type: 'module',
      exports: { '.': './index.js', './addDays': './addDays.js', './setDefault': './setDefault.js' },
    };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': '{}',
        'index.js': "export * from './addDays.js';\nexport * from './setDefault.js';\n",
        'state.js': 'export const state = { days: 0 };',
        'addDays.js':
          "import { state } from './state.js';\nexport function addDays(n) { return n + state.days; }\nexport default addDays;\n",
        'setDefault.js': "import { state } from './state.js';\nexport function setDefault(n) { state.days = n; }\n",
      }),
    );
    assert.equal(text(build, '+/addDays.js'), 'export { addDays, addDays as default } from "./index.js";\n');
    const main = dataUrl(text(build, '+/index.js'));
    const deep = await load(text(build, '+/addDays.js'), { './index.js': main });
    const top = (await import(main)) as { setDefault(n: number): void };
    top.setDefault(5);
    assert.equal((deep.default as (n: number) => number)(1), 6, 'the deep import sees the state the main import set');
  });

  test('an entry point whose file passes on another module whole (lit-element.js) - keeps every name, not only those the lexer lists', async () => {
    // Two more entry points share el.js, so esbuild moves it into a chunk, where it used to leave the re-export.
    const manifest: PackageManifest = {
      name: 'el',
      version: '1.0.0',
      exports: { '.': './index.js', './el.js': './el.js', './extra.js': './extra.js' },
    };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': '{}',
        'index.js': "export * from './el.js';\n",
        'el.js': "export * from 'html-lib';\nexport class Element {}\n",
        'extra.js': "import { Element } from './el.js';\nexport class Extra extends Element {}\n",
      }),
    );
    assert.ok(
      [...build!.files.keys()].some((f) => f.includes('~chunks/')),
      'the case needs a shared chunk',
    );
    assert.match(text(build, '+/el.js'), /export\s*\*\s*from\s*"html-lib"/, 'the star re-export of the other package survives');
    const module = (await import(linkBuilt(build, '+/el.js', { 'html-lib': dataUrl('export const html = 1;') }))) as Record<
      string,
      unknown
    >;
    assert.equal(module.html, 1);
    assert.equal(typeof module.Element, 'function');
  });

  test('an entry point that imports its own package by name - imports that entry point’s build, not a copy', async () => {
    const manifest: PackageManifest = {
      name: 'mini',
      version: '1.0.0',
      exports: { '.': './dist/mini.js', './hooks': './hooks/dist/hooks.js' },
    };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': '{}',
        'dist/mini.js': 'export const options = { hooked: false };',
        'hooks/dist/hooks.js': "import { options } from 'mini';\nexport function useHook() { options.hooked = true; }\n",
      }),
    );
    assert.match(text(build, '+/hooks.js'), /from\s*"\.\/index\.js"/);
  });
});

describe('findEntryPoints()', () => {
  test('a package without exports - main, per-function folders and sibling modules, without private _files', () => {
    const files = filesOf({
      'package.json': '{}',
      'esm/index.js': '',
      'addDays/package.json': JSON.stringify({ module: '../esm/addDays/index.js' }),
      'esm/addDays/index.js': '',
      'esm/addDays/package.json': '{}',
    });
    assert.deepEqual(findEntryPoints({ name: 'd', version: '2.0.0', main: 'index.js', module: 'esm/index.js' }, files), {
      '.': 'esm/index.js',
      './addDays': 'esm/addDays/index.js',
      './index.js': 'esm/index.js',
      './index': 'esm/index.js',
    });
    const lodash = filesOf({ 'lodash.js': '', 'debounce.js': '', '_baseClone.js': '', 'package.json': '{}' });
    assert.deepEqual(Object.keys(findEntryPoints({ name: 'l', version: '4.0.0', main: 'lodash.js' }, lodash)).sort(), [
      '.',
      './debounce',
      './debounce.js',
      './lodash',
      './lodash.js',
    ]);
  });

  test('exports with conditions and patterns - the browser, production and import conditions win; patterns expand over files', () => {
    const manifest: PackageManifest = {
      name: 'x',
      version: '1.0.0',
      exports: {
        '.': { node: './node.js', browser: { development: './dev.js', default: './browser.js' }, default: './node.js' },
        './locale/*': './dist/locale/*.js',
        './package.json': './package.json',
      },
    };
    const files = filesOf({
      'node.js': '',
      'browser.js': '',
      'dev.js': '',
      'dist/locale/fr.js': '',
      'dist/locale/de.js': '',
      'package.json': '{}',
    });
    assert.deepEqual(findEntryPoints(manifest, files), {
      '.': 'browser.js',
      './locale/fr': 'dist/locale/fr.js',
      './locale/de': 'dist/locale/de.js',
    });
  });
});
