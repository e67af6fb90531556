import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDevImportMap } from '../runtime/dev/create-dev-import-map.ts';

const rootDir = fileURLToPath(new URL('..', import.meta.url));

test("createDevImportMap() - geo, on lit 2, using the design system on lit 3 - geo's own lit 2 is top-level and design's lit 3 gets a scope", () => {
  const { importMap, packages, warnings } = createDevImportMap(`${rootDir}podlets/geo`);
  // Before, the design system's dependencies were visited first, and its lit 3 took the top level.
  assert.match(importMap.imports.lit!, /^\/-\/node_modules\/lit@2\.[\d.]+\/index\.js$/);
  assert.equal(packages.get(importMap.imports.lit!.split('/')[3]!), path.join(rootDir, 'podlets/geo/node_modules/lit'));
  const designScope = Object.keys(importMap.scopes ?? {}).find((scope) => scope.startsWith('/-/node_modules/@podmap-demo/design@'));
  assert.ok(designScope, JSON.stringify(importMap.scopes));
  assert.match(importMap.scopes![designScope]!.lit!, /^\/-\/node_modules\/lit@3\.[\d.]+\/index\.js$/);
  assert.deepEqual(warnings, []);
});

test("createDevImportMap() - header, depending on @podlets/auth linked by workspaces - maps auth's exposed modules to its built files", () => {
  const { importMap, packages } = createDevImportMap(`${rootDir}podlets/header`);
  assert.match(importMap.imports['@podlets/auth/']!, /^\/-\/node_modules\/@podlets\/auth@[\d.]+\/public\/$/);
  assert.equal(packages.get(importMap.imports['@podlets/auth/']!.split('/').slice(3, 5).join('/')), path.join(rootDir, 'podlets/auth'));
  assert.equal(importMap.imports['@podlets/auth'], undefined, 'auth has no "." export');
});

test('createDevImportMap() - a podlet outside any repository, a @podlets dependency not installed - maps what is installed and warns about the rest', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'podmap-dev-map-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.join(rootDir, 'node_modules/lit'), path.join(dir, 'node_modules/lit'));
  for (const name of ['lit-html', 'lit-element', '@lit'])
    symlinkSync(path.join(rootDir, 'node_modules', name), path.join(dir, 'node_modules', name));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', dependencies: { lit: '^3', '@podlets/cart': '^1' } }));
  const { importMap, packages, warnings } = createDevImportMap(dir);
  assert.match(importMap.imports.lit!, /^\/-\/node_modules\/lit@3\.[\d.]+\/index\.js$/);
  assert.ok(importMap.imports['lit-html'], "lit's own dependencies are mapped too");
  assert.equal(importMap.imports['@podlets/cart/'], undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /"@podlets\/cart" is not installed/);
  assert.ok(
    [...packages.values()].every((p) => !p.includes('podlets/')),
    'nothing from the repository but the linked packages',
  );
});
