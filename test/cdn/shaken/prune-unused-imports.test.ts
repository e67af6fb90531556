import assert from 'node:assert/strict';
import { test } from 'node:test';
import { init } from 'es-module-lexer';
import { pruneUnusedImports } from '../../../runtime/cdn/shaken/prune-unused-imports.ts';

await init;
const never = () => false;

test('pruneUnusedImports() - bindings never mentioned - removed; one mentioned anywhere, even in a string, kept', () => {
  const code = 'import{a as b,c,d as e}from"x";export function f(){return b()+"c"}';
  assert.equal(pruneUnusedImports(code, never), 'import {a as b,c} from"x";export function f(){return b()+"c"}');
});

test('pruneUnusedImports() - a default and named bindings - each kept or dropped on its own', () => {
  assert.equal(pruneUnusedImports('import d,{g}from"y";d();', never), 'import d from"y";d();');
  assert.equal(pruneUnusedImports('import d,{g}from"y";g();', never), 'import {g} from"y";g();');
  assert.equal(pruneUnusedImports('import{default as h,"a-b" as q}from"y";q();', never), 'import {"a-b" as q} from"y";q();');
});

test('pruneUnusedImports() - nothing used - `import "x"` kept to run it, removed for a side-effect-free package', () => {
  assert.equal(
    pruneUnusedImports('import{a}from"x";import{b}from"y";go();', (s) => s === 'y'),
    'import"x";;go();',
  );
});

test('pruneUnusedImports() - a $ in a name, a name that is a prefix of another - matched as whole words', () => {
  assert.equal(pruneUnusedImports('import{$a,ab,a}from"x";ab($a);', never), 'import {$a,ab} from"x";ab($a);');
});

test('pruneUnusedImports() - namespace, relative, attributes, side-effect-only imports, unreadable code - left as they are', () => {
  for (const code of [
    'import*as ns from"x";',
    'import{k}from"./chunk.js";',
    'import{m}from"q" with {type:"json"};',
    'import"side";',
    'import{a}from"x"; this is not javascript (',
  ])
    assert.equal(
      pruneUnusedImports(code, () => true),
      code,
    );
});
