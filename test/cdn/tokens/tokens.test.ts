import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { createTeamToken } from '../../../runtime/cdn/index.ts';
import { findScopeProblem } from '../../../runtime/cdn/tokens/find-scope-problem.ts';
import { findTeamToken } from '../../../runtime/cdn/tokens/find-team-token.ts';
import { scopeAllows } from '../../../runtime/cdn/tokens/scope-allows.ts';
import { digestToken, type TeamToken } from '../../../runtime/cdn/tokens/team-token.ts';

describe('findScopeProblem()', () => {
  test('findScopeProblem() - every documented form - is accepted', () => {
    for (const scope of [
      '*',
      'podlet/*',
      'npm/*',
      'npm/@podlets/*',
      'podlet/auth',
      'npm/lit',
      'npm/@lit/reactive-element',
      'npm/JSONStream',
    ]) {
      assert.equal(findScopeProblem(scope), null, scope);
    }
  });

  test('findScopeProblem() - other forms, bad names and non-strings - are refused with a reason', () => {
    for (const scope of [
      '',
      'npm',
      'npm/',
      'podlet/',
      'podlet/@x/y',
      'podlet/@x/*',
      'npm/@x',
      'npm/@x/y/*',
      'npm/lit*',
      'npm/@../*',
      'npm/../x',
      'css/a',
      '**',
      'npm/@*/*',
      7,
      null,
    ]) {
      assert.equal(typeof findScopeProblem(scope), 'string', String(scope));
    }
  });
});

describe('scopeAllows()', () => {
  const cases: Array<[string[], 'npm' | 'podlet', string, boolean]> = [
    [['*'], 'podlet', 'auth', true],
    [['*'], 'npm', '@a/b', true],
    [['podlet/*'], 'podlet', 'geo', true],
    [['podlet/*'], 'npm', 'geo', false],
    [['npm/*'], 'npm', '@a/b', true],
    [['npm/*'], 'podlet', 'geo', false],
    [['podlet/auth'], 'podlet', 'auth', true],
    [['podlet/auth'], 'podlet', 'auth2', false],
    [['podlet/auth'], 'npm', 'auth', false],
    [['npm/@podlets/*'], 'npm', '@podlets/auth', true],
    [['npm/@podlets/*'], 'npm', '@podlets-x/auth', false],
    [['npm/@podlets/*'], 'npm', 'podlets', false],
    [['npm/lit'], 'npm', 'lit-html', false],
    [['podlet/auth', 'npm/@podlets/auth'], 'npm', '@podlets/auth', true],
  ];
  for (const [scope, kind, name, allowed] of cases) {
    test(`scopeAllows() - ${scope.join(' ')} for ${kind}/${name} - ${allowed}`, () => {
      assert.equal(scopeAllows(scope, kind, name), allowed);
    });
  }
});

describe('createTeamToken() and findTeamToken()', () => {
  test('createTeamToken() - makes 32 random bytes base64url and an entry holding only its sha256, which findTeamToken accepts', () => {
    const { token, entry } = createTeamToken('auth', ['podlet/auth']);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.deepEqual(entry, { team: 'auth', sha256: createHash('sha256').update(token).digest('hex'), scope: ['podlet/auth'] });
    assert.ok(!JSON.stringify(entry).includes(token));
    assert.notEqual(createTeamToken('auth', ['podlet/auth']).token, token);
    const tokens: TeamToken[] = [{ team: 'auth', scope: entry.scope, digest: Buffer.from(entry.sha256, 'hex') }];
    assert.equal(findTeamToken(tokens, `Bearer ${token}`)?.team, 'auth');
    assert.equal(findTeamToken(tokens, `bearer   ${token} `)?.team, 'auth');
    for (const header of [undefined, '', token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${entry.sha256}`]) {
      assert.equal(findTeamToken(tokens, header), undefined, String(header));
    }
  });

  test('findTeamToken() - several tokens - finds the one presented, whatever its place', () => {
    const tokens: TeamToken[] = ['a', 'b', 'c'].map((team) => ({ team, scope: ['*'], digest: digestToken(`token-${team}`) }));
    for (const team of ['a', 'b', 'c']) assert.equal(findTeamToken(tokens, `Bearer token-${team}`)?.team, team);
    assert.equal(findTeamToken([], 'Bearer token-a'), undefined);
  });

  test('createTeamToken() - a bad team name or scope - throws a TypeError with PODMAP_ERR_CDN_TOKENS_FILE', () => {
    for (const [team, scope] of [
      ['auth team', ['podlet/auth']],
      ['auth', []],
      ['auth', ['podlet/@a/b']],
      ['auth', ['everything']],
    ] as const) {
      assert.throws(
        () => createTeamToken(team, scope),
        (error: TypeError & { code?: string }) => error instanceof TypeError && error.code === 'PODMAP_ERR_CDN_TOKENS_FILE',
        `${team} ${scope.join(' ')}`,
      );
    }
  });
});
