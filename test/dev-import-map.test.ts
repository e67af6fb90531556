import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDevImportMap } from '../runtime/dev/create-dev-import-map.js';

const rootDir = fileURLToPath(new URL('..', import.meta.url));

test("createDevImportMap() - geo, on lit 2, using the design system on lit 3 - geo's own lit 2 is top-level and design's lit 3 gets a scope", () => {
  const map = createDevImportMap({
    rootDir,
    podletDir: `${rootDir}podlets/geo`,
    podletsPath: (name: string) => `/podlets/${name}/public/`,
  }) as {
    imports: Record<string, string>;
    scopes?: Record<string, Record<string, string>>;
  };
  // Before, the design system's dependencies were visited first, and its lit 3 took the top level.
  assert.equal(map.imports.lit, '/podlets/geo/node_modules/lit/index.js');
  assert.equal(map.scopes?.['/design/']?.lit, '/node_modules/lit/index.js');
});
