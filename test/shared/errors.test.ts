import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { errorCatalogue, PodmapError } from '../../runtime/shared/errors.ts';
import { readRepository } from '../helpers/read-repository.ts';
import { findErrorCodeProblems } from '../helpers/find-error-code-problems.ts';

test("errorCatalogue - docs/errors.md - lists exactly the catalogue's codes with their statuses", async () => {
  const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map([...doc.matchAll(/^\|\s*`(PODMAP_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])]));
  const catalogue = Object.entries(errorCatalogue);
  for (const [code, definition] of catalogue) {
    assert.equal(rows.get(code), definition.status, `${code} is missing from docs/errors.md or has another status`);
  }
  for (const code of rows.keys()) assert.ok(code in errorCatalogue, `docs/errors.md lists ${code}, which the catalogue does not have`);
});

test('PodmapError - toJSON() - carries the stable code and the message, nothing else', () => {
  const error = new PodmapError('PODMAP_ERR_NOT_FOUND', 'lit@9');
  assert.equal(error.status, 404);
  assert.deepEqual(error.toJSON(), {
    error: { code: 'PODMAP_ERR_NOT_FOUND', message: `${errorCatalogue.PODMAP_ERR_NOT_FOUND.message} (lit@9)` },
  });
});

describe('findErrorCodeProblems()', () => {
  const doc = (retired = '') =>
    `| code | status | meaning |\n| --- | --- | --- |\n| \`PODMAP_ERR_A\` | 500 | a |\n\n## Retired codes\n\n${retired}`;
  const sources = (text: string) => new Map([['runtime/x.ts', text]]);

  test('runtime/ - uses every code of the catalogue but the retired ones, and only catalogue codes', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const files = (await readRepository(root)).files.filter((f) => /^runtime\/.*\.[cm]?[jt]s$/.test(f) && f !== 'runtime/shared/errors.ts');
    const runtime = new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(root, f), 'utf8')] as const)));
    const docText = await readFile(join(root, 'docs/errors.md'), 'utf8');
    assert.ok(runtime.has('runtime/cdn/publish/prepare-npm-version.ts'), 'the runtime sources were read');
    assert.deepEqual(findErrorCodeProblems({ catalogue: errorCatalogue, doc: docText, sources: runtime }), []);
  });

  test('a code nothing uses - is reported, and so is one named only in a comment', () => {
    const catalogue = { PODMAP_ERR_A: { status: 500 }, PODMAP_ERR_B: { status: 500 } };
    const problems = findErrorCodeProblems({ catalogue, doc: doc(), sources: sources("// PODMAP_ERR_B\nthrow new E('PODMAP_ERR_A');") });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^PODMAP_ERR_B is never thrown, sent or logged in runtime\//);
  });

  test('a code the runtime uses that the catalogue lacks - is reported with the file that uses it', () => {
    const problems = findErrorCodeProblems({
      catalogue: { PODMAP_ERR_A: { status: 500 } },
      doc: doc(),
      sources: sources("log('PODMAP_ERR_A'); send(`PODMAP_ERR_GONE: ${x}`);"),
    });
    assert.deepEqual(problems, ['runtime/x.ts uses PODMAP_ERR_GONE, which runtime/shared/errors.ts does not have']);
  });

  test('a retired code - passes when listed under Retired codes and used nowhere', () => {
    const catalogue = { PODMAP_ERR_A: { status: 500 }, PODMAP_ERR_OLD: { status: 500, retired: true } };
    const listed = doc('| `PODMAP_ERR_OLD` | 500 | old |\n');
    assert.deepEqual(findErrorCodeProblems({ catalogue, doc: listed, sources: sources("throw new E('PODMAP_ERR_A');") }), []);
  });

  test('a retired code - is reported when still thrown, and when not listed under Retired codes', () => {
    const catalogue = { PODMAP_ERR_A: { status: 500 }, PODMAP_ERR_OLD: { status: 500, retired: true } };
    const problems = findErrorCodeProblems({ catalogue, doc: doc(), sources: sources("throw new E('PODMAP_ERR_A' ?? 'PODMAP_ERR_OLD');") });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^PODMAP_ERR_OLD is retired but runtime\/x\.ts uses it/);
    assert.match(problems[1]!, /^PODMAP_ERR_OLD is retired: docs\/errors\.md lists it under "## Retired codes"/);
  });

  test('a code in use - is reported when docs/errors.md lists it under Retired codes', () => {
    const problems = findErrorCodeProblems({
      catalogue: { PODMAP_ERR_A: { status: 500 } },
      doc: doc('| `PODMAP_ERR_A` | 500 | a |\n'),
      sources: sources("throw new E('PODMAP_ERR_A');"),
    });
    assert.deepEqual(problems, ['PODMAP_ERR_A is not retired, but docs/errors.md lists it under "## Retired codes"']);
  });
});
