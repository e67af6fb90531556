// startPodletDevServer() (`podmap dev`) on a podlet folder outside the repository: what it
// refuses to start with, the override help, and files compiled afresh on each request.
// Rendering in Chromium is in test/e2e/dev-server.test.ts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startPodletDevServer } from '../runtime/dev/index.ts';
import { parseOverridesCookie } from '../runtime/layout/overrides/parse-overrides-cookie.ts';
import { writeOutsidePodlet } from './e2e/podlet-dev-server.ts';

/** A temporary outside podlet, removed after the test. */
function podletFor(t: { after(fn: () => void): void }, parts?: Parameters<typeof writeOutsidePodlet>[0]): string {
  const outside = writeOutsidePodlet(parts);
  t.after(() => outside.remove());
  return outside.dir;
}

test('startPodletDevServer() - a podlet with TypeScript assets that cannot resolve typescript - rejects with PODMAP_ERR_DEV_TYPESCRIPT_MISSING', async (t) => {
  const podletDir = podletFor(t, { typescript: false });
  await assert.rejects(startPodletDevServer({ podletDir, port: 0 }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'PODMAP_ERR_DEV_TYPESCRIPT_MISSING');
    assert.match(error.message, /install typescript/);
    assert.ok(error.message.includes(podletDir), 'names the folder it looked from');
    return true;
  });
});

for (const [situation, server, detail] of [
  ['no server.js or server.ts', false, /no server\.js or server\.ts in /],
  [
    'a server.js that throws while loading',
    "throw new Error('public/ is not built');\n",
    /server\.js failed to load: public\/ is not built/,
  ],
  ['a server.js without a `podlet` export', 'export const other = 1;\n', /does not export `podlet`/],
] as const) {
  test(`startPodletDevServer() - ${situation} - rejects with PODMAP_ERR_DEV_SERVER_MODULE`, async (t) => {
    const podletDir = podletFor(t, { server });
    await assert.rejects(startPodletDevServer({ podletDir, port: 0 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PODMAP_ERR_DEV_SERVER_MODULE');
      assert.match(error.message, detail);
      return true;
    });
  });
}

test('startPodletDevServer() - a tsconfig.json that extends a missing file - rejects with PODMAP_ERR_DEV_TSCONFIG', async (t) => {
  const podletDir = podletFor(t);
  writeFileSync(path.join(podletDir, 'tsconfig.json'), JSON.stringify({ extends: './nowhere.json' }));
  await assert.rejects(startPodletDevServer({ podletDir, port: 0 }), { code: 'PODMAP_ERR_DEV_TSCONFIG' });
});

test('startPodletDevServer() - a port out of range, a layoutUrl that is not http(s) - rejects with the config codes', async (t) => {
  const podletDir = podletFor(t);
  await assert.rejects(startPodletDevServer({ podletDir, port: 70000 }), { code: 'PODMAP_ERR_CONFIG_PORT', name: 'RangeError' });
  for (const layoutUrl of ['javascript:alert(1)', 'localhost:3000', '']) {
    await assert.rejects(startPodletDevServer({ podletDir, port: 0, layoutUrl }), { code: 'PODMAP_ERR_CONFIG_OPTION' }, layoutUrl);
  }
});

test('startPodletDevServer() - with layoutUrl - overrideHelp names the layout and a podmap-overrides cookie the layout accepts', async (t) => {
  const podletDir = podletFor(t);
  const dev = await startPodletDevServer({ podletDir, port: 0, layoutUrl: 'https://staging.example/shop' });
  t.after(() => dev.close());
  const help = dev.overrideHelp ?? assert.fail('no overrideHelp');
  assert.ok(help.includes('https://staging.example/shop'), help);
  assert.ok(help.includes(`podmapOverrides.set('podlet', 'cart', '${dev.url}public/')`), help);
  const cookie = (/document\.cookie = '([^;']+);/.exec(help) ?? assert.fail(help))[1]!;
  const parsed = parseOverridesCookie(cookie, { podlets: new Set(['cart']) });
  assert.deepEqual(parsed, { imports: {}, podlets: { cart: `${dev.url}public/` }, rejected: [] });
  assert.match(help, /Secure/, 'an https layout only sends Secure cookies back over https; the cookie says so');
  const plain = await startPodletDevServer({ podletDir, port: 0 });
  t.after(() => plain.close());
  assert.equal(plain.overrideHelp, undefined);
});

test('startPodletDevServer() - a source edited between two requests - the second request compiles the new text; a file only in public/ is served as built', async (t) => {
  const podletDir = podletFor(t);
  const dev = await startPodletDevServer({ podletDir, port: 0 });
  t.after(() => dev.close());
  const first = await (await fetch(new URL('public/label.js', dev.url))).text();
  assert.match(first, /export const label = 'Cart from assets\/cart\.ts'/);
  writeFileSync(path.join(podletDir, 'assets/label.ts'), "export const label: string = 'Edited';\n");
  const second = await (await fetch(new URL('public/label.js', dev.url))).text();
  assert.match(second, /export const label = 'Edited'/);
  writeFileSync(path.join(podletDir, 'public/extra.js'), 'export const extra = 1;\n');
  const extra = await fetch(new URL('public/extra.js', dev.url));
  assert.equal(extra.status, 200);
  assert.equal(await extra.text(), 'export const extra = 1;\n');
  assert.equal((await fetch(new URL('public/none.js', dev.url))).status, 404);
});
