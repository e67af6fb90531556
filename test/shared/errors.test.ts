import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { errorCatalogue, PodmapError } from '../../runtime/shared/errors.ts';

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
