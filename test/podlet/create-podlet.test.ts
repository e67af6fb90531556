import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifest as validateManifest } from '@podium/schemas';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';
import { rawGet } from '../helpers/raw-get.ts';

const modules = {
  'card.js': `import { LitElement, html } from 'lit';\nimport { format } from './format.js';\nimport 'lit/decorators.js';\nexport class Card extends LitElement {}\n`,
  'format.js': `import { peek } from '@podmap/browser';\nexport const format = (x) => String(x) + '${'x'.repeat(600)}';\nconst later = () => import('./lazy.js');\n`,
  'lazy.js': 'export default 1;\n',
  'session.js': 'export const user = null;\n',
};

async function startFixture(t: import('node:test').TestContext) {
  const dir = await writePodletFolder(t, { dependencies: { lit: '^3.1.0', '@podmap/browser': '^0.1.0', express: '^4.0.0' }, modules });
  const podlet = await createPodlet({
    name: 'fixture',
    packageDir: dir,
    entries: ['card.js'],
    exposes: { '@podlets/fixture/session.js': 'session.js' },
    content: () => '<podlet-card></podlet-card>',
    fallback: () => '<p>fallback</p>',
  });
  return listen(t, podlet.handle);
}

test("createPodlet() - manifest.json - validates against Podium's schema with nothing stripped", async (t) => {
  const base = await startFixture(t);
  const response = await fetch(`${base}manifest.json`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('podlet-version'), '1.0.0');
  const body = await response.json();
  const { value, error } = validateManifest(structuredClone(body)) as { value: unknown; error?: unknown };
  assert.ok(!error, JSON.stringify(error));
  // Podium's validator removes unknown properties instead of failing (and adds defaults):
  // everything we sent must still be there, unchanged.
  assertContains(value, body);
  assert.equal(body.js[0].value, '/public@1.0.0/card.js');
  assert.equal(body.js[0].type, 'module');
});

test("createPodlet() - podmap.json - lists needs from the modules' bare imports with package.json ranges", async (t) => {
  const base = await startFixture(t);
  const doc = await (await fetch(`${base}podmap.json`)).json();
  // express is a dependency but no browser module imports it: not a need.
  assert.deepEqual(doc.needs, { lit: '^3.1.0', '@podmap/browser': '^0.1.0' });
  assert.deepEqual(doc.exposes, { '@podlets/fixture/session.js': 'session.js' });
  assert.equal(doc.base, './public@1.0.0/');
  assert.deepEqual(doc.modules['card.js'], ['lit', './format.js', 'lit/decorators.js']);
  // Dynamic imports are not preloaded, so they are not in the graph: they are listed apart.
  assert.deepEqual(doc.modules['format.js'], ['@podmap/browser']);
  assert.deepEqual(doc.dynamicImports, { 'format.js': ['./lazy.js'] });
  assert.deepEqual(doc.importedNames, { lit: ['LitElement', 'html'], 'lit/decorators.js': [], '@podmap/browser': ['peek'] });
});

test('createPodlet() - a guarded dynamic import of a package it does not depend on - starts, and the package is no need', async (t) => {
  const source =
    "import { html } from 'lit';\nimport * as z from 'zod';\nz.object();\nexport const m = () => import('chart.js').catch(() => null);\n";
  const dir = await writePodletFolder(t, { dependencies: { lit: '^3.1.0', zod: '^4.0.0' }, modules: { 'a.js': source } });
  const podlet = await createPodlet({ name: 'optional', packageDir: dir, entries: ['a.js'], content: () => '' });
  const doc = await (await fetch(`${await listen(t, podlet.handle)}podmap.json`)).json();
  assert.deepEqual(doc.needs, { lit: '^3.1.0', zod: '^4.0.0' });
  assert.deepEqual(doc.dynamicImports, { 'a.js': ['chart.js'] });
  assert.deepEqual(doc.importedNames, { lit: ['html'], zod: ['object'], 'chart.js': '*' });
});

test('createPodlet() - a module imports a package missing from dependencies - refuses to start with a clear error', async (t) => {
  const dir = await writePodletFolder(t, { dependencies: {}, modules: { 'a.js': "import 'lit';\n" } });
  await assert.rejects(
    createPodlet({ name: 'broken', packageDir: dir, entries: ['a.js'], content: () => '' }),
    /a\.js in podlet "broken" imports "lit", but lit is not in its package.json dependencies/,
  );
});

test('createPodlet() - a hostile podlet name - is refused with PODMAP_ERR_PODLET_NAME (security)', async (t) => {
  const dir = await writePodletFolder(t, { modules: { 'a.js': '' } });
  await assert.rejects(createPodlet({ name: '"><script>', packageDir: dir, entries: ['a.js'], content: () => '' }), {
    code: 'PODMAP_ERR_PODLET_NAME',
  });
});

test('createPodlet() - an expose outside the package name - is refused with a coded TypeError', async (t) => {
  const dir = await writePodletFolder(t, { modules: { 'a.js': '' } });
  await assert.rejects(
    createPodlet({ name: 'bad', packageDir: dir, entries: ['a.js'], exposes: { lit: 'a.js' }, content: () => '' }),
    (error: Error & { code?: string }) =>
      error instanceof TypeError && error.code === 'PODMAP_ERR_CONFIG_EXPOSE_OUTSIDE_PACKAGE' && /exposes "lit"/.test(error.message),
  );
});

test('createPodlet() - a versioned module - is immutable, typed, CORS-enabled and answers 304 to its ETag', async (t) => {
  const base = await startFixture(t);
  const response = await fetch(`${base}public@1.0.0/format.js`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('content-encoding'), 'br'); // the file is over 512 bytes, so it is compressed
  assert.match(await response.text(), /export const format/);
  const etag = response.headers.get('etag')!;
  assert.match(etag, /^"[^"]+-br"$/, 'the brotli copy has its own strong ETag');
  const again = await fetch(`${base}public@1.0.0/format.js`, { headers: { 'accept-encoding': 'br', 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const gzip = await rawGet(base, '/public@1.0.0/format.js', { 'accept-encoding': 'gzip', 'if-none-match': etag });
  assert.equal(gzip.status, 200, "the brotli copy's ETag does not validate the gzip copy");
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.equal(gzip.headers.etag, etag.replace(/-br"$/, '-gz"'));
});

test('createPodlet() - unversioned and other-version module URLs - revalidate, or 404', async (t) => {
  const base = await startFixture(t);
  const plain = await fetch(`${base}public/card.js`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('cache-control'), 'no-cache');
  // Serving today's file under yesterday's version would break immutability.
  const old = await fetch(`${base}public@0.9.0/card.js`);
  assert.equal(old.status, 404);
  assert.equal((await old.json()).error.code, 'PODMAP_ERR_NOT_FOUND');
});

test('createPodlet() - paths that try to leave public/ - answer 400 and never a file (security)', async (t) => {
  const base = await startFixture(t);
  for (const hostile of [
    '/public@1.0.0/../package.json',
    '/public/%2e%2e/package.json',
    '/public/%2e%2e%2fpackage.json',
    '/public/..%5cpackage.json',
    '/public/%00card.js',
    '/public//etc/passwd',
    `/public/${'a/'.repeat(600)}x.js`,
  ]) {
    const response = await rawGet(base, hostile);
    assert.ok(response.status === 400 || response.status === 404, `${hostile} answered ${response.status}`);
    assert.doesNotMatch(response.body, /@podlets\/fixture|root:/, hostile);
  }
});

test('createPodlet() - content and fallback - answer HTML with the podlet-version header', async (t) => {
  const base = await startFixture(t);
  const content = await fetch(base);
  assert.equal(content.headers.get('podlet-version'), '1.0.0');
  assert.equal(await content.text(), '<podlet-card></podlet-card>');
  assert.equal(await (await fetch(`${base}fallback`)).text(), '<p>fallback</p>');
  assert.equal((await fetch(`${base}nope`)).status, 404);
  assert.equal((await fetch(base, { method: 'POST' })).status, 405);
});

/** Every property of `expected`, recursively, is in `actual` with the same value. */
function assertContains(actual: unknown, expected: unknown, at = 'manifest'): void {
  if (typeof expected !== 'object' || expected === null) return assert.equal(actual, expected, at);
  assert.equal(typeof actual, 'object', at);
  for (const [key, value] of Object.entries(expected)) assertContains((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
}

test('createPodlet() - cdnUrl with a matching release - points its modules at the CDN; a stale release - serves them itself', async (t) => {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { createCdnServer, publishPodletRelease } = await import('../../runtime/cdn/index.ts');
  const store = await mkdtemp(`${tmpdir()}/podmap-release-`);
  t.after(() => rm(store, { recursive: true, force: true }));
  const cdn = await listen(t, createCdnServer({ storeDir: store }).listeners('request')[0] as Parameters<typeof listen>[1]);
  // Long enough that the CDN stores it minified: the check compares the file as published, not as served.
  const card =
    "import 'lit';\n/** A comment that minifying drops. */\nexport function describeCard(cardTitle) {\n    return `card: ${cardTitle}`;\n}\n";
  const dir = await writePodletFolder(t, { dependencies: { lit: '^3.1.0' }, modules: { 'card.js': card } });
  await publishPodletRelease(store, 'fixture', '1.0.0', `${dir}/public`);
  const meta = (await (await fetch(`${cdn}-/podlet/fixture@1.0.0`)).json()) as {
    files: Record<string, { size: number; generated?: true }>;
  };
  assert.ok(meta.files['card.js']!.size < card.length && meta.files['card.js.map']?.generated, 'the CDN minified card.js');
  const fresh = await createPodlet({ name: 'fixture', packageDir: dir, entries: ['card.js'], cdnUrl: cdn, content: () => '' });
  const freshBase = await listen(t, fresh.handle);
  assert.equal((await (await fetch(`${freshBase}podmap.json`)).json()).base, `${cdn}podlet/fixture@1.0.0/`);
  assert.equal((await (await fetch(`${freshBase}manifest.json`)).json()).js[0].value, `${cdn}podlet/fixture@1.0.0/card.js`);

  // The code changed but the version did not: the CDN's immutable release is now stale.
  await writeFile(`${dir}/public/card.js`, "import 'lit';\nconsole.log('changed');\n");
  const warn = t.mock.method(console, 'warn', () => {});
  const stale = await createPodlet({ name: 'fixture', packageDir: dir, entries: ['card.js'], cdnUrl: cdn, content: () => '' });
  const staleBase = await listen(t, stale.handle);
  assert.equal((await (await fetch(`${staleBase}podmap.json`)).json()).base, './public@1.0.0/');
  assert.ok(warn.mock.calls.some((c) => /PODMAP_ERR_PODLET_RELEASE_MISMATCH.*card\.js/.test(String(c.arguments[0]))));
});

test('createPodlet() - a public/ that holds node_modules and dotfiles - matches its release (one walker for hashing and publishing)', async (t) => {
  const { mkdir, mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { createCdnServer, publishPodletRelease } = await import('../../runtime/cdn/index.ts');
  const store = await mkdtemp(`${tmpdir()}/podmap-release-`);
  t.after(() => rm(store, { recursive: true, force: true }));
  const cdn = await listen(t, createCdnServer({ storeDir: store }).listeners('request')[0] as Parameters<typeof listen>[1]);
  const dir = await writePodletFolder(t, { modules: { 'card.js': 'export {};\n' } });
  await mkdir(`${dir}/public/node_modules/x`, { recursive: true });
  await writeFile(`${dir}/public/node_modules/x/index.js`, 'export {};\n');
  await writeFile(`${dir}/public/.DS_Store`, 'junk');
  await publishPodletRelease(store, 'fixture', '1.0.0', `${dir}/public`);
  const warn = t.mock.method(console, 'warn', () => {});
  const podlet = await createPodlet({ name: 'fixture', packageDir: dir, entries: ['card.js'], cdnUrl: cdn, content: () => '' });
  const base = await listen(t, podlet.handle);
  assert.equal((await (await fetch(`${base}podmap.json`)).json()).base, `${cdn}podlet/fixture@1.0.0/`);
  assert.equal(warn.mock.callCount(), 0);
});

test('createPodlet() - Accept-Encoding with br;q=0 - is honoured: gzip, not brotli', async (t) => {
  const base = await startFixture(t);
  const response = await rawGet(base, '/public@1.0.0/format.js', { 'accept-encoding': 'br;q=0, gzip' });
  assert.equal(response.headers['content-encoding'], 'gzip');
  const none = await rawGet(base, '/public@1.0.0/format.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
  assert.equal(none.headers['content-encoding'], undefined);
});

test('createPodlet() - a compiled entry is missing, or a module imports an undeclared package - coded TypeErrors at start-up', async (t) => {
  const dir = await writePodletFolder(t, { modules: { 'a.js': "import 'left-pad';\n" } });
  await assert.rejects(createPodlet({ name: 'fixture', packageDir: dir, entries: ['nope.js'], content: () => '' }), {
    name: 'TypeError',
    code: 'PODMAP_ERR_CONFIG_ENTRY_MISSING',
  });
  await assert.rejects(createPodlet({ name: 'fixture', packageDir: dir, entries: ['a.js'], content: () => '' }), {
    name: 'TypeError',
    code: 'PODMAP_ERR_CONFIG_UNDECLARED_IMPORT',
  });
});
