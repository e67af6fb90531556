import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { init as initLexer } from 'es-module-lexer';
import { buildBrowserPackage } from '../../../runtime/cdn/build/build-browser-package.ts';
import { wrapCommonjsEntry } from '../../../runtime/cdn/build/wrap-commonjs-entry.ts';
import type { PackageManifest } from '../../../runtime/shared/cdn-protocol/types.ts';

const filesOf = (tree: Record<string, string>) => new Map(Object.entries(tree).map(([path, text]) => [path, Buffer.from(text)]));
const dataUrl = (code: string) => `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;

/**
 * The main module of a package built from `tree` (main: index.js), as a data: URL whose bare
 * imports of other packages are replaced by `links` (their built main modules' URLs), as a
 * page's import map would resolve them.
 */
async function buildMain(name: string, tree: Record<string, string>, links: Record<string, string> = {}, type?: 'module'): Promise<string> {
  const manifest: PackageManifest = { name, version: '1.0.0', main: 'index.js', ...(type ? { type } : {}) };
  const build = await buildBrowserPackage(manifest, filesOf({ 'package.json': JSON.stringify(manifest), ...tree }));
  assert.deepEqual(build!.build.unavailable, {}, `${name} builds`);
  let code = build!.files.get('+/index.js')!.toString('utf8');
  assert.doesNotMatch(code, /__require\(/, `${name}: no require() is left for the browser`);
  for (const [specifier, url] of Object.entries(links)) code = code.split(JSON.stringify(specifier)).join(JSON.stringify(url));
  return dataUrl(code);
}

/** A built module as a data: URL, its relative imports of other built modules linked the same way, and bare ones from `links`. */
function linkBuilt(files: ReadonlyMap<string, Buffer>, file: string, links: Record<string, string>): string {
  let code = files
    .get(file)!
    .toString('utf8')
    .replace(/"(\.\.?\/[^"]+)"/g, (_, relative: string) =>
      JSON.stringify(linkBuilt(files, path.posix.normalize(path.posix.join(path.posix.dirname(file), relative)), links)),
    );
  for (const [specifier, url] of Object.entries(links)) code = code.split(JSON.stringify(specifier)).join(JSON.stringify(url));
  return dataUrl(code);
}

describe('wrapCommonjsEntry()', () => {
  test('require() of another converted CommonJS package - yields its module.exports: a function, a class, a primitive, an object', async () => {
    const links = {
      fn: await buildMain('fn', { 'index.js': 'module.exports = function bound() { return "called " + this; };\n' }),
      klass: await buildMain('klass', { 'index.js': 'module.exports = class Point { constructor(x) { this.x = x; } };\n' }),
      answer: await buildMain('answer', { 'index.js': 'module.exports = 42;\n' }),
      nothing: await buildMain('nothing', { 'index.js': 'module.exports = null;\n' }),
      obj: await buildMain('obj', { 'index.js': 'exports.twice = (n) => n * 2;\n' }),
    };
    const user = await buildMain(
      'user',
      {
        'index.js':
          "var fn = require('fn'), Point = require('klass'), answer = require('answer'), nothing = require('nothing'), obj = require('obj');\n" +
          "exports.results = [fn.call('here'), new Point(3).x, new Point(1) instanceof Point, answer, nothing, obj.twice(4), typeof obj.default];\n",
      },
      links,
    );
    const module = (await import(user)) as { results: unknown[] };
    assert.deepEqual(module.results, ['called here', 3, true, 42, null, 8, 'undefined']);
  });

  test('a chain of CommonJS packages, each calling the function the next one exports - runs three packages deep', async () => {
    const bind = await buildMain('bind', {
      'index.js': "var implementation = require('./implementation');\nmodule.exports = Function.prototype.bind || implementation;\n",
      'implementation.js': 'module.exports = function () { throw new Error("not this one"); };\n',
    });
    const apply = await buildMain(
      'apply',
      { 'index.js': "var bind = require('bind');\nmodule.exports = bind.call(Function.call, Function.apply);\n" },
      { bind },
    );
    const top = await buildMain(
      'top',
      { 'index.js': "var apply = require('apply');\nmodule.exports = function max(list) { return apply(Math.max, null, list); };\n" },
      { apply },
    );
    const module = (await import(top)) as { default: (list: number[]) => number; 'module.exports': unknown };
    assert.equal(module.default([3, 9, 4]), 9);
    assert.equal(module['module.exports'], module.default, 'the namespace carries module.exports under Node’s name');
  });

  test('require() of an ES module package - yields a copy of its namespace with __esModule, default and named exports', async () => {
    const esm = await buildMain(
      'esm',
      { 'index.js': 'export const named = 1;\nexport default function main() { return 2; }\n' },
      {},
      'module',
    );
    const user = await buildMain(
      'esm-user',
      { 'index.js': "var m = require('esm');\nmodule.exports = [m.__esModule, m.named, m.default()];\n" },
      { esm },
    );
    assert.deepEqual(((await import(user)) as { default: unknown }).default, [true, 1, 2]);
  });

  test('a CommonJS package marked __esModule (compiled by Babel) - has its exports.default as default and its named exports, and require() yields module.exports', async () => {
    const babel = await buildMain('babel', {
      'index.js':
        'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = function main() { return "main"; };\nexports.helper = () => "helper";\n',
    });
    const module = (await import(babel)) as { default: () => string; helper: () => string };
    assert.equal(module.default(), 'main');
    assert.equal(module.helper(), 'helper');
    const user = await buildMain(
      'babel-user',
      {
        'index.js':
          "var m = require('babel');\nvar main = m && m.__esModule ? m.default : m;\nmodule.exports = [main(), m.helper(), m.__esModule];\n",
      },
      { babel },
    );
    assert.deepEqual(((await import(user)) as { default: unknown }).default, ['main', 'helper', true]);
  });

  test('a CommonJS package that passes on another package whole (module.exports = require(...)) - has that package’s named exports too, as in Node', async () => {
    const impl = await buildMain('impl', { 'index.js': 'exports.a = 1;\nexports.b = function b() { return 2; };\n' });
    // Two entry points besides the main one are built together, with shared chunks.
    const manifest: PackageManifest = {
      name: 'facade',
      version: '1.0.0',
      exports: { '.': './index.js', './again': './again.js', './more': './more.js' },
    };
    const build = await buildBrowserPackage(
      manifest,
      filesOf({
        'package.json': JSON.stringify(manifest),
        'index.js': "module.exports = require('./lib/index.js');\n",
        'lib/index.js': "module.exports = require('impl');\nmodule.exports.extra = 3;\n",
        'again.js': "module.exports = require('impl');\n",
        'more.js': "module.exports = require('impl');\n",
      }),
    );
    assert.deepEqual(build!.build.unavailable, {});
    assert.ok(
      [...build!.files.keys()].some((f) => f.includes('~chunks/')),
      'the case needs a shared chunk',
    );
    for (const output of ['+/index.js', '+/again.js', '+/more.js']) {
      const module = (await import(linkBuilt(build!.files, output, { impl }))) as {
        a: number;
        b: () => number;
        extra?: number;
        default: { a: number };
      };
      assert.equal(module.a, 1, output);
      assert.equal(module.b(), 2, output);
      assert.equal(module.default.a, 1, output);
      if (output === '+/index.js') assert.equal(module.extra, 3);
    }
  });

  test('a CommonJS export whose name is no identifier (exports["foo-bar"]) - is built under that name, where the build used to fail', async () => {
    const dashed = await buildMain('dashed', { 'index.js': "exports['foo-bar'] = 1;\nexports.ok = 2;\n" });
    const module = (await import(dashed)) as Record<string, unknown>;
    assert.equal(module['foo-bar'], 1);
    assert.equal(module.ok, 2);
  });

  test('an ES module, and a classic script that mentions require() - are not wrapped', async () => {
    await initLexer;
    const files = filesOf({
      'esm.js': "export const a = require('x');\n",
      'script.js': 'if (typeof require === "function") require("x");\n',
    });
    assert.equal(await wrapCommonjsEntry('esm.js', files, '/pkg'), null);
    assert.equal(await wrapCommonjsEntry('script.js', files, '/pkg'), null);
  });
});
