import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { walkFiles } from '../runtime/shared/files/walk-files.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The messages ESLint reports for `source` as if it were the file at `filePath`. */
async function messagesFor(filePath: string, source: string): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(source, { filePath });
  return result?.messages ?? [];
}

/** The rule ids ESLint reports for `source` as if it were the file at `filePath`. */
async function lintAs(filePath: string, source: string): Promise<string[]> {
  return (await messagesFor(filePath, source)).map((m) => m.ruleId ?? m.message);
}

const forbidden: Array<[string, string]> = [
  ['runtime/layout/x.ts', "import { createPodlet } from '../podlet/create-podlet.ts';"],
  ['runtime/layout/overrides/x.ts', "import { createCdnServer } from '../../cdn/index.ts';"],
  ['runtime/podlet/x.ts', "import { createLayout } from '../layout/index.ts';"],
  ['runtime/cdn/http/handlers/x.ts', "import type { PageAssets } from '../../../layout/assets/page-assets.ts';"],
  ['runtime/import-map/x.ts', "import { createLayout } from '../layout/index.ts';"],
  ['runtime/shared/http/x.ts', "import { planVersions } from '../../import-map/index.ts';"],
  ['runtime/cdn/x.ts', "import { createPodlet } from '@podmap/runtime/podlet';"],
  // Inside cdn/: store, build ← publish ← http; nginx ← store; no folder imports index.ts or main.ts.
  ['runtime/cdn/store/x.ts', "import { writeVersion } from '../publish/write-version.ts';"],
  ['runtime/cdn/store/x.ts', "import { buildBrowserPackage } from '../build/build-browser-package.ts';"],
  ['runtime/cdn/build/x.ts', "import { storeIndexPath } from '../store/store-paths.ts';"],
  ['runtime/cdn/publish/x.ts', "import { createCdnServer } from '../http/create-cdn-server.ts';"],
  ['runtime/cdn/http/handlers/x.ts', "import { generateNginxConfig } from '../../nginx/generate-nginx-config.ts';"],
  ['runtime/cdn/http/x.ts', "import { buildBrowserPackage } from '../build/build-browser-package.ts';"],
  ['runtime/cdn/nginx/x.ts', "import { publishTarball } from '../publish/publish-tarball.ts';"],
  ['runtime/cdn/store/x.ts', "import { createCdnServer } from '../index.ts';"],
  ['runtime/cdn/http/handlers/x.ts', "import { runCdnCommand } from '../../main.ts';"],
  // Inside layout/: podlets ← assets ← {overrides, service-worker} ← render; no folder imports the top files.
  ['runtime/layout/podlets/x.ts', "import type { PageAssets } from '../assets/page-assets.ts';"],
  ['runtime/layout/assets/x.ts', "import { renderHead } from '../render/render-head.ts';"],
  ['runtime/layout/service-worker/x.ts', "import { applyOverrides } from '../overrides/apply-overrides.ts';"],
  ['runtime/layout/overrides/x.ts', "import { renderHead } from '../render/render-head.ts';"],
  ['runtime/layout/render/x.ts', "import type { LayoutOptions } from '../layout-options.ts';"],
];

for (const [file, line] of forbidden) {
  test(`dependency rule - ${file}: ${line} - fails npm run lint`, async () => {
    assert.ok((await lintAs(file, `${line}\nexport const x = 1;\n`)).includes('no-restricted-imports'));
  });
}

const allowed: Array<[string, string]> = [
  ['runtime/layout/x.ts', "import { planVersions } from '../import-map/index.ts';"],
  ['runtime/cdn/x.ts', "import { PodmapError } from '../shared/errors.ts';"],
  ['runtime/import-map/x.ts', "import { parseCdnUrl } from '../shared/cdn-protocol/cdn-urls.ts';"],
  ['runtime/cdn/store/x.ts', "import { PodmapError } from '../../shared/errors.ts';"],
  ['runtime/cdn/publish/x.ts', "import { storeIndexPath } from '../store/store-paths.ts';"],
  ['runtime/cdn/publish/x.ts', "import { buildBrowserPackage } from '../build/build-browser-package.ts';"],
  ['runtime/cdn/http/handlers/x.ts', "import { publishTarball } from '../../publish/publish-tarball.ts';"],
  ['runtime/cdn/nginx/x.ts', "import { storeIndexPath } from '../store/store-paths.ts';"],
  ['runtime/cdn/x.ts', "import { generateNginxConfig } from './nginx/generate-nginx-config.ts';"],
  ['runtime/layout/assets/x.ts', "import type { PodletClient } from '../podlets/create-podlet-client.ts';"],
  ['runtime/layout/render/x.ts', "import { createWorkerScript } from '../service-worker/serve-worker-script.ts';"],
  ['runtime/layout/x.ts', "import { renderHead } from './render/render-head.ts';"],
];

for (const [file, line] of allowed) {
  test(`dependency rule - ${file}: ${line} - passes`, async () => {
    assert.ok(!(await lintAs(file, `${line}\nexport const x = 1;\n`)).includes('no-restricted-imports'));
  });
}

// Each case is text linted as if it were a real file, whose import leads back to that file.
const cycles: Array<[string, string, string, string]> = [
  [
    'on values',
    'runtime/cdn/store/store-paths.ts',
    "import { writeAtomically } from './write-atomically.ts';",
    'write-atomically.ts → runtime/cdn/store/store-paths.ts',
  ],
  [
    'on types only',
    'runtime/layout/assets/page-assets.ts',
    "import type { AssetsCache } from './create-assets-cache.ts';",
    'create-assets-cache.ts → runtime/layout/assets/page-assets.ts',
  ],
  [
    'through three files',
    'runtime/cdn/store/version-line.ts',
    "import { readPackageMap } from './read-package-map.ts';",
    'read-package-map.ts → runtime/cdn/store/load-package-map.ts → runtime/cdn/store/version-line.ts',
  ],
  [
    'through a dynamic import',
    'runtime/browser/src/overrides-panel.ts',
    "export const api = await import('./overrides.ts');",
    'overrides.ts → runtime/browser/src/overrides-panel.ts',
  ],
  [
    'in a test helper',
    'test/helpers/store-format.ts',
    "import { testStoreDir } from './cdn-with-lit.ts';",
    'cdn-with-lit.ts → test/helpers/store-format.ts',
  ],
];

for (const [kind, file, line, chain] of cycles) {
  test(`import cycles - ${file}: ${line} (${kind}) - fails npm run lint, naming the cycle`, async () => {
    const source = `${await readFile(`${root}${file}`, 'utf8')}\n${line}\n`;
    const cycle = (await messagesFor(file, source)).find((m) => m.ruleId === 'podmap/no-import-cycle');
    assert.ok(cycle, 'no podmap/no-import-cycle message');
    assert.ok(cycle.message.includes(`${file} → ${file.replace(/[^/]+$/, '')}${chain}`), cycle.message);
  });
}

test('import cycles - the same files without the import back - pass', async () => {
  for (const [, file] of cycles) {
    assert.ok(!(await lintAs(file, await readFile(`${root}${file}`, 'utf8'))).includes('podmap/no-import-cycle'), file);
  }
});

test('runtime/ - a file over 250 lines or a function over 45 - fails lint unless a comment says why', async () => {
  const fitting = `export function f(): number {\n${'  let a = 1;\n'.repeat(42)}  return 1;\n}\n`;
  assert.ok(!(await lintAs('runtime/layout/x.ts', fitting)).includes('max-lines-per-function'), '45 lines pass');
  const longFunction = `export function f(): number {\n${'  let a = 1;\n'.repeat(43)}  return 1;\n}\n`;
  assert.ok((await lintAs('runtime/layout/x.ts', longFunction)).includes('max-lines-per-function'));
  assert.ok(!(await lintAs('bench/x.ts', longFunction)).includes('max-lines-per-function'), 'benchmarks keep 60');
  const explained = `// eslint-disable-next-line max-lines-per-function -- a table, read top to bottom\n${longFunction}`;
  assert.ok(!(await lintAs('runtime/layout/x.ts', explained)).includes('max-lines-per-function'));
  const longFile = Array.from({ length: 251 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
  assert.ok((await lintAs('runtime/shared/x.ts', longFile)).includes('max-lines'));
});

test('repository - no file cites a design document outside the repository', async () => {
  const offenders: string[] = [];
  for (const dir of ['runtime', 'test', 'bench', 'layouts', 'podlets', 'docs']) {
    for (const file of await walkFiles(`${root}${dir}`)) {
      if (!/\.(ts|js|mjs|md|json)$/.test(file) || /(^|\/)(public|dist)\//.test(file)) continue;
      const text = await readFile(`${root}${dir}/${file}`, 'utf8');
      if (/\b(DESIGN|STYLE)\.md\b/.test(text)) offenders.push(`${dir}/${file}`);
    }
  }
  if (/\b(DESIGN|STYLE)\.md\b/.test(await readFile(`${root}README.md`, 'utf8'))) offenders.push('README.md');
  assert.deepEqual(offenders, []);
});
