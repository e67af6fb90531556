// `podmap cdn token <team> <scope>…`: the token shown once and the tokens-file entry that keeps only its hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { makeTempDir } from '../cdn/helpers.ts';
import { listFiles, printedCode, runCli, type CliRun } from './cli-helpers.ts';

/** The token (the line after "token for …") and the entry (the JSON line) that `podmap cdn token` printed. */
function readTokenOutput(run: CliRun): { token: string; entry: { team: string; sha256: string; scope: string[] } } {
  const tokenLine = run.out.findIndex((line) => line.startsWith('token for '));
  assert.notEqual(tokenLine, -1, run.all);
  const entryLine = run.out.find((line) => line.startsWith('{'));
  assert.ok(entryLine, run.all);
  return { token: run.out[tokenLine + 1]!, entry: JSON.parse(entryLine) as { team: string; sha256: string; scope: string[] } };
}

describe('podmap cdn token', () => {
  test('podmap cdn token - a team and two scopes - prints a token and an entry with its sha256 and those scopes, exit 0', async (t) => {
    const cwd = await makeTempDir(t);
    const run = await runCli(['cdn', 'token', 'shop', 'podlet/cart', 'npm/@shop/*'], cwd);
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(run.err, []);
    const { token, entry } = readTokenOutput(run);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 bytes in base64url');
    assert.deepEqual(entry, {
      team: 'shop',
      sha256: createHash('sha256').update(token, 'utf8').digest('hex'),
      scope: ['podlet/cart', 'npm/@shop/*'],
    });
    assert.ok(!run.out.some((line) => line.startsWith('{') && line.includes(token)), 'the entry never holds the token');
    assert.deepEqual(await listFiles(cwd), [], 'the token is written nowhere');
  });

  test('podmap cdn token - twice for one team - two different tokens, each with its own hash', async (t) => {
    const cwd = await makeTempDir(t);
    const first = readTokenOutput(await runCli(['cdn', 'token', 'shop', '*'], cwd));
    const second = readTokenOutput(await runCli(['cdn', 'token', 'shop', '*'], cwd));
    assert.notEqual(first.token, second.token);
    assert.notEqual(first.entry.sha256, second.entry.sha256);
    assert.deepEqual(second.entry.scope, ['*']);
  });

  const refused: Array<[string, string[], RegExp]> = [
    ['a scope of no known form', ['shop', 'podlets/cart'], /"podlets\/cart" is not podlet\/<name>/],
    ['a scoped podlet name', ['shop', 'podlet/@shop/cart'], /podlet names cannot be scoped/],
    ['a partial wildcard', ['shop', 'npm/lit*'], /"npm\/lit\*" is not/],
    ['one bad scope among good ones', ['shop', 'podlet/cart', 'npm/'], /"npm\/" is not/],
    ['a team with a space', ['web shop', 'podlet/cart'], /team "web shop": team must be/],
    ['a team starting with "-"', ['-shop', 'podlet/cart'], /team "-shop": team must be/],
    ['a 65-character team', ['t'.repeat(65), 'podlet/cart'], /team must be 1-64/],
  ];
  for (const [situation, args, message] of refused) {
    test(`podmap cdn token - ${situation} - PODMAP_ERR_CDN_TOKENS_FILE printed once with the reason, no token, exit 1`, async (t) => {
      const run = await runCli(['cdn', 'token', ...args], await makeTempDir(t));
      assert.equal(run.code, 1, run.all);
      assert.equal(printedCode(run), 'PODMAP_ERR_CDN_TOKENS_FILE');
      assert.equal(run.err.length, 1, run.all);
      assert.match(run.err[0]!, /^podmap: PODMAP_ERR_CDN_TOKENS_FILE: The CDN tokens file/);
      assert.equal(run.err[0]!.split('PODMAP_ERR_CDN_TOKENS_FILE').length, 2, 'the code is printed once');
      assert.match(run.err[0]!, message);
      assert.ok(!run.out.some((line) => line.startsWith('token for')), 'no token is shown');
    });
  }

  test('podmap cdn token - "-x" as a scope - refused as a scope, not read as an option, PODMAP_ERR_CDN_TOKENS_FILE, exit 1', async (t) => {
    // `cdn` passes its arguments through unparsed, so a dash is a scope like any other text.
    const run = await runCli(['cdn', 'token', 'shop', '-x'], await makeTempDir(t));
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_CDN_TOKENS_FILE');
    assert.match(run.err[0]!, /"-x" is not/);
  });
});
