// A podlet developed in isolation: `npm run dev -w podlets/auth` is @web/dev-server with
// podlets/auth/web-dev-server.config.js. Started here on a free port, in-process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from '../helpers/chromium.ts';
import { openPage, rendered } from './open-page.ts';
import { startPodletDevServer, type DevServer } from './podlet-dev-server.ts';

let server: DevServer;
let base: string;
let browser: Browser;

before(async () => {
  ({ server, base } = await startPodletDevServer('auth'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('dev server - auth - the preview page has an import map to local node_modules, production files', async () => {
  const html = await (await fetch(base)).text();
  const map = JSON.parse((/<script type="importmap">(.*?)<\/script>/s.exec(html) ?? assert.fail(html))[1]!);
  assert.equal(map.imports.lit, '/node_modules/lit/index.js');
  assert.equal(map.imports['@podmap/browser'], '/runtime/browser/public/index.js');
  assert.ok(!JSON.stringify(map).includes('/development/'));
  assert.match(html, /<script type="module" src="\/public\/auth\.js"><\/script>/);
  assert.match(html, /<podlet-auth>/, "the podlet's own fragment");
});

test('dev server - auth - modules come from the .ts sources, unbundled, bare specifiers intact, with CORS', async () => {
  const response = await fetch(new URL('public/auth.js', base), { headers: { origin: 'http://127.0.0.1:7000' } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /javascript/);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  const code = await response.text();
  assert.match(code, /from "lit"/, 'lit stays a bare specifier');
  assert.match(code, /from "\.\/session\.js"/, 'the relative import has the release name, not ".ts"');
  assert.doesNotMatch(code, /: Session\b|import type/, 'TypeScript was stripped');
  assert.doesNotMatch(code, /class LitElement|customElements\.define\("lit-/, 'lit is not bundled in');
  const preflight = await fetch(new URL('public/auth.js', base), {
    method: 'OPTIONS',
    headers: { origin: 'https://www.example', 'access-control-request-private-network': 'true', 'access-control-request-method': 'GET' },
  });
  assert.equal(preflight.headers.get('access-control-allow-private-network'), 'true');
});

test('dev server - a path that climbs out of assets/ - is not served from the sources (security)', async () => {
  for (const path of ['public/..%2f..%2fserver.js', 'public/../../../package.json.js', '-/podlets/auth/..%2f..%2fserver.js']) {
    const response = await fetch(new URL(path, base));
    assert.ok(response.status >= 400 || !(await response.text()).includes('createPodlet'), path);
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
  ['geo', /Rendered with http:[^ ]+\/podlets\/geo\/node_modules\/lit\/index\.js/],
  ['header', /Podmap Travel/],
] as const) {
  test(`dev server - ${name} - the preview renders in Chromium (geo with its own lit 2; header with auth's exposed module)`, async () => {
    const dev = await startPodletDevServer(name);
    try {
      const load = await openPage(browser, dev.base);
      const rendering = await rendered(load.page, [`podlet-${name}`]);
      assert.match(rendering[`podlet-${name}`]!, text);
      assert.deepEqual(load.consoleErrors, []);
      await load.page.close();
    } finally {
      await dev.server.stop();
    }
  });
}
