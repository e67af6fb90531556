import assert from 'node:assert/strict';
import { test } from 'node:test';
import { init, parse } from 'es-module-lexer';
import { mergeImportedNames, readImportedNames } from '../../runtime/shared/read-imported-names.ts';

/** specifier → names, for each import of `source`, in order. */
async function namesIn(source: string): Promise<Array<[string, string[] | '*']>> {
  await init;
  return parse(source)[0].map((item) => [item.n!, readImportedNames(source, item)]);
}

test('readImportedNames() - named, default, renamed, side-effect and re-export statements - the export names each takes', async () => {
  assert.deepEqual(
    await namesIn(
      "import d, { a as b, c } from 'x';\nimport 'run';\nexport { y as z, w } from 'ex';\nimport/* c */{ g /* , h */ } from 'com';\n" +
        "import {\n  multi,\n  line as l,\n} from 'ml';\nimport{h as u}from\"min\";export{default}from'./a.js';",
    ),
    [
      ['x', ['a', 'c', 'default']],
      ['run', []],
      ['ex', ['w', 'y']],
      ['com', ['g']],
      ['ml', ['line', 'multi']],
      ['min', ['h']],
      ['./a.js', ['default']],
    ],
  );
});

test('readImportedNames() - export *, a dynamic import, a namespace used other than by member reads - everything', async () => {
  assert.deepEqual(await namesIn("export * from 'a';\nexport * as n from 'b';\nconst m = import('c');"), [
    ['a', '*'],
    ['b', '*'],
    ['c', '*'],
  ]);
  for (const use of ['f(z)', 'z[k]', 'z?.x', 'f(...z)', 'const o = { z }', 'export { z }', '`${z}`']) {
    assert.deepEqual(await namesIn(`import * as z from 'zod';\nz.object();\n${use};`), [['zod', '*']], use);
  }
});

test('readImportedNames() - a namespace read only by members - the members read, and a default beside it', async () => {
  assert.deepEqual(await namesIn("import * as z from 'zod';\nconst s = z.object({ id: z . string().min(1) });\nother.z; a?.z;"), [
    ['zod', ['object', 'string']],
  ]);
  assert.deepEqual(await namesIn("import d, * as z from 'zod';\nz.a; d();"), [['zod', ['a', 'default']]]);
  // What esbuild writes for require() in a browser build.
  assert.deepEqual(await namesIn('import*as e from"react";export*from"react";e.default;'), [
    ['react', ['default']],
    ['react', '*'],
  ]);
});

test('mergeImportedNames() - lists and everything - "*" absorbs, lists merge sorted without repeats', () => {
  assert.deepEqual(mergeImportedNames(undefined, ['b', 'a', 'b']), ['a', 'b']);
  assert.deepEqual(mergeImportedNames(['c'], ['a', 'c']), ['a', 'c']);
  assert.equal(mergeImportedNames(['a'], '*'), '*');
  assert.equal(mergeImportedNames('*', ['a']), '*');
});
