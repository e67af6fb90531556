// A podlet developed in isolation: `podmap dev` (`npm run dev -w podlets/auth`) is
// startPodletDevServer(), started here in-process on a free port.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { startPodletDevServer } from '../../runtime/dev/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { openPage, rendered } from './open-page.ts';
import { startRepositoryPodlet, writeOutsidePodlet, type PodletDevServer } from './podlet-dev-server.ts';

const litVersion = (
  JSON.parse(readFileSync(new URL('../../node_modules/lit/package.json', import.meta.url), 'utf8')) as { version: string }
).version;

let server: PodletDevServer;
let base: string;
let browser: Browser;

before(async () => {
  server = await startRepositoryPodlet('auth');
  base = server.url;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('dev server - auth - the preview page has an import map to local node_modules, production files', async () => {
  const html = await (await fetch(base)).text();
  const map = JSON.parse((/<script type="importmap">(.*?)<\/script>/s.exec(html) ?? assert.fail(html))[1]!);
  assert.equal(map.imports.lit, `/-/node_modules/lit@${litVersion}/index.js`);
  assert.match(map.imports['@podmap/browser'], /^\/-\/node_modules\/@podmap\/browser@[\d.]+\/public\/index\.js$/);
  assert.ok(!JSON.stringify(map).includes('/development/'));
  assert.match(html, /<script type="module" src="\/public\/auth\.js"><\/script>/);
  assert.match(html, /<podlet-auth[ >]/, "the podlet's own fragment");
  const lit = await fetch(new URL(map.imports.lit, base));
  assert.equal(lit.status, 200);
  assert.match(await lit.text(), /lit-element/, "lit's own file, from node_modules");
});

test('dev server - auth - modules come from the .ts sources, unbundled, bare specifiers intact, with CORS', async () => {
  const response = await fetch(new URL('public/auth.js', base), { headers: { origin: 'http://127.0.0.1:7000' } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /javascript/);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  const code = await response.text();
  assert.match(code, /from ['"]lit['"]/, 'lit stays a bare specifier');
  assert.match(code, /from ['"]\.\/session\.js['"]/, 'the relative import has the release name, not ".ts"');
  assert.doesNotMatch(code, /: Session\b|import type/, 'TypeScript was stripped');
  assert.doesNotMatch(code, /class LitElement|customElements\.define\("lit-/, 'lit is not bundled in');
  const preflight = await fetch(new URL('public/auth.js', base), {
    method: 'OPTIONS',
    headers: { origin: 'https://www.example', 'access-control-request-private-network': 'true', 'access-control-request-method': 'GET' },
  });
  assert.equal(preflight.headers.get('access-control-allow-private-network'), 'true');
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
});

test('dev server - a path that climbs out of assets/, public/ or a package - is not served (security)', async () => {
  const paths = [
    'public/..%2f..%2fserver.js',
    'public/..%2f..%2fserver.ts',
    'public/%2e%2e/server.js',
    'public/../../../package.json.js',
    '-/podlets/auth/..%2f..%2fserver.js',
    `-/node_modules/lit@${litVersion}/..%2f..%2fpackage.json`,
    `-/node_modules/lit@${litVersion}/%2e%2e/%2e%2e/package.json`,
    '-/node_modules/..%2f..%2fpackage.json/x',
    '-/node_modules/typescript@5.9.3/package.json',
  ];
  for (const path of paths) {
    const response = await fetch(new URL(path, base));
    const text = await response.text();
    assert.ok(response.status >= 400, `${path}: ${response.status}`);
    assert.ok(!text.includes('createPodlet') && !text.includes('"workspaces"'), path);
  }
});

test('dev server - auth - the preview renders in Chromium', async () => {
  const load = await openPage(browser, base);
  const text = await rendered(load.page, ['podlet-auth']);
  assert.match(text['podlet-auth']!, /Sign in/);
  assert.deepEqual(load.consoleErrors, []);
  assert.deepEqual(load.failed, []);
  await load.page.close();
});

for (const [name, text] of [
  ['geo', /Rendered with lit@2\.\d+\.\d+/],
  ['header', /Podmap Travel/],
] as const) {
  test(`dev server - ${name} - the preview renders in Chromium (geo with its own lit 2; header with auth's exposed module)`, async () => {
    const dev = await startRepositoryPodlet(name);
    try {
      const load = await openPage(browser, dev.url);
      const rendering = await rendered(load.page, [`podlet-${name}`]);
      assert.match(rendering[`podlet-${name}`]!, text);
      assert.deepEqual(load.consoleErrors, []);
      assert.deepEqual(load.failed, []);
      await load.page.close();
    } finally {
      await dev.close();
    }
  });
}

test('dev server - a podlet folder outside the repository, no sibling podlets - renders its TypeScript in Chromium and warns about the missing one', async (t) => {
  const outside = writeOutsidePodlet();
  t.after(() => outside.remove());
  const dev = await startPodletDevServer({ podletDir: outside.dir, port: 0 });
  t.after(() => dev.close());
  const load = await openPage(browser, dev.url);
  const rendering = await rendered(load.page, ['podlet-cart']);
  assert.match(rendering['podlet-cart']!, /Cart from assets\/cart\.ts: 2 items/, 'compiled from assets/, with its relative import');
  assert.deepEqual(load.consoleErrors, []);
  assert.deepEqual(load.failed, []);
  assert.ok(
    load.consoleWarnings.some((w) => /"@podlets\/missing" is not installed/.test(w)),
    load.consoleWarnings.join('\n'),
  );
  await load.page.close();
});
