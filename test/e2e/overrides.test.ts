// Import-map overrides in Chromium: the demo with PODMAP_OVERRIDES=1 and a cookie that points
// the footer podlet at a second local server serving a changed module. The page shows the
// changed footer and the notice; a layout with overrides off ignores the same cookie.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import type { RunningDemo } from '../../layouts/demo.ts';
import { demoPodletNames } from '../../layouts/demo-wiring.ts';
import { createDemoLayout } from '../../layouts/server.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { demoElements } from '../helpers/demo-elements.ts';
import { startTestDemo } from '../helpers/start-test-demo.ts';
import { openPage, rendered, signIn } from './open-page.ts';
import { startRepositoryPodlet, type PodletDevServer } from './podlet-dev-server.ts';

let demo: RunningDemo;
let browser: Browser;
let devServer: Server;
let devBase: string;
let plainLayout: Server;
let plainLayoutUrl: string;
let authDev: PodletDevServer;

/** What the dev footer imports that the released page does not. */
const ADDED_IMPORT = 'lit/directives/class-map.js';

const listenOn = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)),
  );

before(async () => {
  // The footer in 'client' mode: overrides change the modules a page runs, and a server-rendered footer runs none.
  demo = await startTestDemo({ PODMAP_OVERRIDES: '1', PODMAP_CSP: '1', PODMAP_FOOTER_RENDER: 'client' });
  // "The developer's dev server": the footer's compiled module with a change, with CORS. The
  // change imports a lit directive the released footer does not (and no podlet of the page does):
  // only the page's untrimmed map has an entry for it.
  const footer =
    `import { classMap } from '${ADDED_IMPORT}';\nif (typeof classMap !== 'function') throw new Error('no classMap');\n` +
    (await readFile(new URL('../../podlets/footer/public/footer.js', import.meta.url), 'utf8')).replace(
      'Composed from six podlets',
      'Changed on my machine',
    );
  assert.ok(footer.includes('Changed on my machine'));
  devServer = createServer((req, res) => {
    if (req.url !== '/public/footer.js') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' }).end(footer);
  });
  devBase = `${await listenOn(devServer)}public/`;
  // The same demo layout with overrides off, in this process, on the same podlets and CDN.
  const podlets = Object.fromEntries(demoPodletNames.map((n) => [n, `${demo.urls[n]}manifest.json`]));
  plainLayout = await createDemoLayout({ overrides: false, urls: { cdn: demo.urls.cdn, podlets } }).listen(0);
  plainLayoutUrl = `http://127.0.0.1:${(plainLayout.address() as AddressInfo).port}/`;
  authDev = await startRepositoryPodlet('auth');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
  await authDev?.close();
  devServer?.closeAllConnections();
  devServer?.close();
  plainLayout?.closeAllConnections();
  plainLayout?.close();
});

const cookieFor = (podlets: Record<string, string>) => [
  { name: 'podmap-overrides', value: encodeURIComponent(JSON.stringify({ podlets })) },
];

test('overrides on - a cookie points footer at a local server - Chromium runs the changed module and shows the notice', async () => {
  const release = await (await fetch(demo.urls.layout!)).text();
  assert.ok(!release.includes(`"${ADDED_IMPORT}"`), 'the released page’s map has no entry for what the dev footer adds');
  const load = await openPage(browser, demo.urls.layout!, { cookies: cookieFor({ footer: devBase }) });
  const text = await rendered(load.page, demoElements['/']);
  assert.match(text['podlet-footer']!, /Changed on my machine/);
  assert.ok(load.requests.some((r) => r.url === `${devBase}footer.js`));
  assert.ok(
    load.requests.some((r) => r.url.endsWith('/directives/class-map.js')),
    'the directive only the dev footer imports resolved through the map',
  );
  assert.ok(!load.requests.some((r) => /\/public@[^/]+\/footer\.js$/.test(r.url)), 'the released footer is not loaded');
  const notice = await load.page.$eval('#podmap-overrides', (el) => ({
    text: el.textContent ?? '',
    visible: (el as HTMLElement).offsetHeight > 0,
  }));
  assert.ok(notice.visible, 'the notice is visible');
  assert.match(notice.text, /overrides are active/);
  assert.ok(notice.text.includes(`footer → ${devBase}`));
  assert.deepEqual(load.cspViolations, [], 'the dev server and the API work under the CSP');
  assert.deepEqual(load.consoleErrors, []);
  // The console API reads the cookie; "Clear overrides" expires it and the next page is the release.
  assert.deepEqual(
    await load.page.evaluate(() => (globalThis as unknown as { podmapOverrides: { list(): unknown } }).podmapOverrides.list()),
    {
      imports: {},
      podlets: { footer: devBase },
    },
  );
  await Promise.all([load.page.waitForNavigation(), load.page.click('#podmap-overrides button')]);
  const after = await rendered(load.page, ['podlet-footer']);
  assert.match(after['podlet-footer']!, /Composed from six podlets/);
  assert.equal(await load.page.$('#podmap-overrides'), null);
  await load.page.close();
});

test('overrides on - a cookie pointing at another host - ignored with a console warning, the page is the release', async () => {
  const load = await openPage(browser, demo.urls.layout!, { cookies: cookieFor({ footer: 'http://evil.example/public/' }) });
  const text = await rendered(load.page, ['podlet-footer']);
  assert.match(text['podlet-footer']!, /Composed from six podlets/);
  assert.ok(!load.requests.some((r) => r.url.includes('evil.example')));
  assert.ok(
    load.consoleWarnings.some((w) => w.startsWith('podmap: import-map override footer → http://evil.example/public/ was ignored')),
    load.consoleWarnings.join('\n'),
  );
  await load.page.close();
});

test('overrides on - the console API sets a cookie and reloads into the overridden page', async () => {
  const load = await openPage(browser, demo.urls.layout!);
  await rendered(load.page, ['podlet-footer']);
  await Promise.all([
    load.page.waitForNavigation(),
    load.page.evaluate(
      (base) =>
        (globalThis as unknown as { podmapOverrides: { set(kind: string, key: string, url: string): void } }).podmapOverrides.set(
          'podlet',
          'footer',
          base,
        ),
      devBase,
    ),
  ]);
  const text = await rendered(load.page, ['podlet-footer']);
  assert.match(text['podlet-footer']!, /Changed on my machine/);
  await load.page.close();
});

test('overrides off - the same cookie does nothing', async () => {
  const load = await openPage(browser, plainLayoutUrl, { cookies: cookieFor({ footer: devBase }) });
  const text = await rendered(load.page, ['podlet-footer']);
  assert.match(text['podlet-footer']!, /Composed from six podlets/);
  assert.equal(await load.page.$('#podmap-overrides'), null);
  assert.ok(!load.requests.some((r) => r.url.startsWith(devBase) || r.url.includes('/-/podmap/')));
  await load.page.close();
});

test('overrides on - auth from its dev server (npm run dev) - renders from TypeScript, and header shares its session module', async () => {
  const load = await openPage(browser, demo.urls.layout!, { cookies: cookieFor({ auth: `${authDev.url}public/` }) });
  await rendered(load.page, ['podlet-header', 'podlet-auth']);
  assert.ok(load.requests.some((r) => r.url === `${authDev.url}public/auth.js`));
  // header imports @podlets/auth/session.js through the map; auth imports ./session.ts. Both must
  // reach one URL on the dev server, or there are two session modules and sign-in is not seen.
  assert.deepEqual(
    load.requests.filter((r) => r.url.includes('session')).map((r) => r.url),
    [`${authDev.url}public/session.js`],
  );
  await signIn(load.page, 'Ada');
  assert.deepEqual(load.cspViolations, []);
  assert.deepEqual(load.consoleErrors, []);
  await load.page.close();
});
