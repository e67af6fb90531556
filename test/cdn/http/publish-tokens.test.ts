import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createCdnServer, createTeamToken } from '../../../runtime/cdn/index.ts';
import { packFiles } from '../../../runtime/shared/files/pack-files.ts';
import { get, makeTempDir, manifestOf, packFixture, snapshotStore, startCdn } from '../helpers.ts';

const release = packFiles([{ path: 'index.js', bytes: Buffer.from('export {}') }]);

async function put(origin: string, path: string, body: Buffer, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(origin + path, { method: 'PUT', body: new Uint8Array(body), headers });
  const json = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, code: json.error?.code, message: json.error?.message };
}

/** A store served with a tokens file holding `teams` (team → scope); returns the tokens made for them. */
async function startWithTeams(t: Parameters<typeof makeTempDir>[0], teams: Record<string, string[]>, publishToken?: string) {
  const dir = await makeTempDir(t);
  const made = Object.entries(teams).map(([team, scope]) => createTeamToken(team, scope));
  const tokensFile = join(dir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify({ tokens: made.map(({ entry }) => entry) }));
  const store = join(dir, 'store');
  const origin = await startCdn(t, { storeDir: store, tokensFile, publishToken });
  // The server indexes the store on its first request: after this, a refusal must leave it as it is.
  await (await get(`${origin}/-/npm/none`)).arrayBuffer();
  const tokens = Object.fromEntries(made.map(({ token, entry }) => [entry.team, token]));
  return { dir, store, origin, tokens, tokensFile };
}

async function tarball(dir: string, name: string, version: string): Promise<Buffer> {
  return readFile(
    await packFixture(join(dir, `${name.replace('/', '-')}-${version}`), {
      'package.json': manifestOf(name, version),
      'index.js': 'export {}',
    }),
  );
}

describe('createCdnServer() - tokens per team', () => {
  test('a podlet team token - publishes its podlet; another podlet and an npm package answer 403 PODMAP_ERR_CDN_FORBIDDEN naming team and scope, the store unchanged', async (t) => {
    const { dir, store, origin, tokens } = await startWithTeams(t, { auth: ['podlet/auth', 'npm/@podlets/auth'] });
    const before = await snapshotStore(store);
    for (const [path, body] of [
      ['/podlet/geo@1.0.0', release],
      ['/npm/lit-ish@1.0.0', await tarball(dir, 'lit-ish', '1.0.0')],
      ['/npm/@podlets/geo@1.0.0', await tarball(dir, '@podlets/geo', '1.0.0')],
    ] as const) {
      const answer = await put(origin, path, body, tokens.auth);
      assert.deepEqual([answer.status, answer.code], [403, 'PODMAP_ERR_CDN_FORBIDDEN'], path);
      assert.match(answer.message!, /team "auth" may publish podlet\/auth, npm\/@podlets\/auth; not (podlet|npm)\//, path);
    }
    assert.deepEqual(await snapshotStore(store), before);
    assert.equal((await put(origin, '/podlet/auth@1.0.0', release, tokens.auth)).status, 201);
    assert.equal((await put(origin, '/npm/@podlets/auth@2.0.0', await tarball(dir, '@podlets/auth', '2.0.0'), tokens.auth)).status, 201);
    assert.equal((await get(`${origin}/podlet/auth@1.0.0/index.js`)).status, 200);
  });

  test('an out-of-scope token - answers 403 before reading the body: an upload that never ends is refused at once', async (t) => {
    const { origin, tokens } = await startWithTeams(t, { auth: ['podlet/auth'] });
    const { port } = new URL(origin);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/podlet/geo@1.0.0',
          headers: { authorization: `Bearer ${tokens.auth}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      t.after(() => req.destroy());
      req.write(release.subarray(0, 10)); // the start of the upload, and never its end
    });
    assert.equal(answer.status, 403);
    assert.match(answer.body, /PODMAP_ERR_CDN_FORBIDDEN/);
  });

  test('an unknown token, a token sent as its hash, no Authorization - answer 401 PODMAP_ERR_CDN_UNAUTHORIZED', async (t) => {
    const { origin, tokensFile } = await startWithTeams(t, { auth: ['*'] });
    const { tokens: entries } = JSON.parse(await readFile(tokensFile, 'utf8')) as { tokens: Array<{ sha256: string }> };
    for (const token of ['not-a-token', entries[0]!.sha256, undefined]) {
      assert.deepEqual(
        await put(origin, '/podlet/auth@1.0.0', release, token).then((a) => [a.status, a.code]),
        [401, 'PODMAP_ERR_CDN_UNAUTHORIZED'],
        String(token),
      );
    }
  });

  test('an npm/@scope/* token - publishes every package of that scope, and no other', async (t) => {
    const { dir, origin, tokens } = await startWithTeams(t, { design: ['npm/@design/*'] });
    assert.equal(
      (await put(origin, '/npm/@design/tokens@1.0.0', await tarball(dir, '@design/tokens', '1.0.0'), tokens.design)).status,
      201,
    );
    assert.equal((await put(origin, '/npm/@design/icons@1.0.0', await tarball(dir, '@design/icons', '1.0.0'), tokens.design)).status, 201);
    for (const [path, name] of [
      ['/npm/@designer/x@1.0.0', '@designer/x'],
      ['/npm/design@1.0.0', 'design'],
    ] as const) {
      assert.equal((await put(origin, path, await tarball(dir, name, '1.0.0'), tokens.design)).code, 'PODMAP_ERR_CDN_FORBIDDEN', path);
    }
    assert.equal((await put(origin, '/podlet/design@1.0.0', release, tokens.design)).code, 'PODMAP_ERR_CDN_FORBIDDEN');
  });

  test('publishToken next to a tokens file - still publishes anything, podlets and npm packages; the team tokens keep their scopes', async (t) => {
    const { dir, origin, tokens } = await startWithTeams(t, { platform: ['npm/*'] }, 'the-old-single-token');
    assert.equal((await put(origin, '/podlet/any@1.0.0', release, 'the-old-single-token')).status, 201);
    assert.equal((await put(origin, '/npm/anything@1.0.0', await tarball(dir, 'anything', '1.0.0'), 'the-old-single-token')).status, 201);
    assert.equal((await put(origin, '/npm/other@1.0.0', await tarball(dir, 'other', '1.0.0'), tokens.platform)).status, 201);
    const answer = await put(origin, '/podlet/other@1.0.0', release, tokens.platform);
    assert.equal(answer.code, 'PODMAP_ERR_CDN_FORBIDDEN');
    assert.match(answer.message!, /team "platform" may publish npm\/\*; not podlet\/other/);
  });

  test('PODMAP_CDN_TOKENS_FILE - is read when the tokensFile option is absent', async (t) => {
    const dir = await makeTempDir(t);
    const { token, entry } = createTeamToken('geo', ['podlet/geo']);
    await writeFile(join(dir, 'tokens.json'), JSON.stringify({ tokens: [entry] }));
    const saved = { file: process.env.PODMAP_CDN_TOKENS_FILE, token: process.env.PODMAP_CDN_TOKEN };
    process.env.PODMAP_CDN_TOKENS_FILE = join(dir, 'tokens.json');
    delete process.env.PODMAP_CDN_TOKEN;
    t.after(() => {
      for (const [key, value] of [
        ['PODMAP_CDN_TOKENS_FILE', saved.file],
        ['PODMAP_CDN_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    const origin = await startCdn(t, { storeDir: join(dir, 'store') });
    assert.equal((await put(origin, '/podlet/geo@1.0.0', release, token)).status, 201);
    assert.equal((await put(origin, '/podlet/auth@1.0.0', release, token)).code, 'PODMAP_ERR_CDN_FORBIDDEN');
  });
});

describe('createCdnServer() - a malformed tokens file fails the start', () => {
  const good = createTeamToken('auth', ['podlet/auth']).entry;
  const cases: Array<[string, string, RegExp]> = [
    ['not JSON', '{"tokens": [', /tokens\.json: /],
    ['no tokens array', JSON.stringify({ teams: [] }), /one key, "tokens"/],
    [
      'a hash that is not 64 hex digits',
      JSON.stringify({ tokens: [{ ...good, sha256: 'abc' }] }),
      /tokens\[0\] \(team "auth"\): sha256 must be 64 hex digits/,
    ],
    [
      'an unknown scope form',
      JSON.stringify({ tokens: [good, { ...good, sha256: 'a'.repeat(64), scope: ['podlet/auth/*'] }] }),
      /tokens\[1\] \(team "auth"\): "podlet\/auth\/\*" is not/,
    ],
    ['a scoped podlet name', JSON.stringify({ tokens: [{ ...good, scope: ['podlet/@x/y'] }] }), /podlet names cannot be scoped/],
    ['an empty scope', JSON.stringify({ tokens: [{ ...good, scope: [] }] }), /scope must be a non-empty array/],
    [
      'a duplicate hash',
      JSON.stringify({ tokens: [good, { ...good, team: 'geo' }] }),
      /tokens\[1\] \(team "geo"\) has the same sha256 as tokens\[0\]/,
    ],
    ['a token in clear', JSON.stringify({ tokens: [{ ...good, token: 'secret' }] }), /holds a token in clear/],
    ['a team name with spaces', JSON.stringify({ tokens: [{ ...good, team: 'the auth team' }] }), /team must be/],
  ];
  for (const [what, text, message] of cases) {
    test(`createCdnServer({ tokensFile }) - ${what} - throws PODMAP_ERR_CDN_TOKENS_FILE naming the problem`, async (t) => {
      const dir = await makeTempDir(t);
      await writeFile(join(dir, 'tokens.json'), text);
      assert.throws(
        () => createCdnServer({ storeDir: join(dir, 'store'), tokensFile: join(dir, 'tokens.json') }),
        (error: TypeError & { code?: string }) => error.code === 'PODMAP_ERR_CDN_TOKENS_FILE' && message.test(error.message),
      );
    });
  }

  test('createCdnServer({ tokensFile }) - a missing file - throws PODMAP_ERR_CDN_TOKENS_FILE naming it', async (t) => {
    const dir = await makeTempDir(t);
    assert.throws(
      () => createCdnServer({ storeDir: dir, tokensFile: join(dir, 'missing.json') }),
      (error: TypeError & { code?: string }) => error.code === 'PODMAP_ERR_CDN_TOKENS_FILE' && error.message.includes('missing.json'),
    );
  });

  test('createCdnServer({ tokensFile, publishToken }) - the file holds the hash of publishToken - throws PODMAP_ERR_CDN_TOKENS_FILE', async (t) => {
    const dir = await makeTempDir(t);
    const { token, entry } = createTeamToken('auth', ['podlet/auth']);
    await writeFile(join(dir, 'tokens.json'), JSON.stringify({ tokens: [entry] }));
    assert.throws(
      () => createCdnServer({ storeDir: dir, tokensFile: join(dir, 'tokens.json'), publishToken: token }),
      (error: TypeError & { code?: string }) =>
        error.code === 'PODMAP_ERR_CDN_TOKENS_FILE' && /tokens\[0\] is the publishToken/.test(error.message),
    );
  });
});
