import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { walkFiles } from '../runtime/shared/files/walk-files.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The rule ids ESLint reports for `source` as if it were the file at `filePath`. */
async function lintAs(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const forbidden: Array<[string, string]> = [
  ['runtime/layout/x.ts', "import { createPodlet } from '../podlet/create-podlet.ts';"],
  ['runtime/layout/overrides/x.ts', "import { createCdnServer } from '../../cdn/index.ts';"],
  ['runtime/podlet/x.ts', "import { createLayout } from '../layout/index.ts';"],
  ['runtime/cdn/handlers/x.ts', "import type { PageAssets } from '../../layout/page-assets.ts';"],
  ['runtime/import-map/x.ts', "import { createLayout } from '../layout/index.ts';"],
  ['runtime/shared/http/x.ts', "import { planVersions } from '../../import-map/index.ts';"],
  ['runtime/cdn/x.ts', "import { createPodlet } from '@podmap/runtime/podlet';"],
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
];

for (const [file, line] of allowed) {
  test(`dependency rule - ${file}: ${line} - passes`, async () => {
    assert.ok(!(await lintAs(file, `${line}\nexport const x = 1;\n`)).includes('no-restricted-imports'));
  });
}

test('runtime/ - a file over 250 lines or a function over 60 - fails lint unless a comment says why', async () => {
  const longFunction = `export function f(): number {\n${'  let a = 1;\n'.repeat(61)}  return 1;\n}\n`;
  assert.ok((await lintAs('runtime/layout/x.ts', longFunction)).includes('max-lines-per-function'));
  const explained = `// eslint-disable-next-line max-lines-per-function -- a table, read top to bottom\n${longFunction}`;
  assert.ok(!(await lintAs('runtime/layout/x.ts', explained)).includes('max-lines-per-function'));
  const longFile = Array.from({ length: 251 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
  assert.ok((await lintAs('runtime/shared/x.ts', longFile)).includes('max-lines'));
});

test('repository - no file cites a design document outside the repository', async () => {
  const offenders: string[] = [];
  for (const dir of ['runtime', 'test', 'bench', 'layouts', 'podlets', 'docs']) {
    for (const file of await walkFiles(`${root}${dir}`)) {
      if (!/\.(ts|js|mjs|md|json)$/.test(file) || file.includes('public/')) continue;
      const text = await readFile(`${root}${dir}/${file}`, 'utf8');
      if (/\b(DESIGN|STYLE)\.md\b/.test(text)) offenders.push(`${dir}/${file}`);
    }
  }
  if (/\b(DESIGN|STYLE)\.md\b/.test(await readFile(`${root}README.md`, 'utf8'))) offenders.push('README.md');
  assert.deepEqual(offenders, []);
});
