// A podlet on lit 2 beside the demo's lit 3 podlets, rendered on its own server by lit 2's
// @lit-labs/ssr 2.3: it can render 'ssr-only' (podmap writes its shadow roots with the standard
// attribute) but not hydrate, which it is told at start-up (docs/render-modes.md, "lit 2 next to lit 3").
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { hydrationProblems, podletsReady, serverOnlyElements } from '../helpers/demo-elements.ts';
import { startInProcessDemo, type InProcessDemo } from '../helpers/demo-in-process.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { startCommand } from '../helpers/run-command.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let demo: InProcessDemo;
let browser: Browser;
before(async () => {
  demo = await startInProcessDemo({ serviceWorker: false });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

/** A lit 2 podlet folder whose element has an event binding, with lit 2 and @lit-labs/ssr 2.3 (installed for these tests by their workspace). */
async function writeLit2Podlet(t: TestContext): Promise<string> {
  const dir = await writePodletFolder(t, {
    name: '@podlets/old',
    dependencies: { lit: '^2.8.0' },
    modules: {
      'old.js': `import 'lit/experimental-hydrate-support.js';
import { LitElement, html } from 'lit';
customElements.define('podlet-old', class extends LitElement {
  static properties = { count: { type: Number } };
  constructor() { super(); this.count = 0; }
  render() { return html\`<p>On lit 2: <button @click=\${() => this.count++}>clicked \${this.count}</button></p>\`; }
});
`,
    },
  });
  await symlink(path.join(root, 'test/fixtures/lit2-ssr/node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const serve = (t: TestContext, dir: string, mode: string) =>
  startCommand(
    t,
    process.execPath,
    ['--import', 'tsx', 'test/helpers/serve-rendering-podlet.ts', dir, 'old', 'old.js', 'podlet-old', mode],
    {
      cwd: root,
      ready: /listening (\S+)/,
    },
  );

test("lit 2 - 'ssr-only' beside lit 3 podlets that hydrate - its content shows as a standard declarative shadow root, and the page loads none of its modules", async (t) => {
  const old = await serve(t, await writeLit2Podlet(t), 'ssr-only');
  const layout = createLayout({
    cdnUrl: demo.cdnUrl,
    importMap: { imports: {} },
    podlets: { ...demo.podletUrls, old: `${old.match[1]}manifest.json` },
    pages: { '/': { title: 'lit 2 beside lit 3', podlets: ['header', 'old', 'auth', 'footer'] } },
  });
  demo.useHandler(layout.handle);
  t.after(() => demo.useLayout({}));
  const html = await (await fetch(demo.layoutUrl)).text();
  assert.match(html, /<podlet-old><template shadowrootmode="open">/, "lit 2's draft attribute (shadowroot) is written as the standard one");
  assert.doesNotMatch(html, /podlet\/old@|\/old\.js/, 'no module of the lit 2 podlet is on the page');

  const page = await (await browser.createBrowserContext()).newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(String(e)));
  await page.goto(demo.layoutUrl, { waitUntil: 'load' });
  await page.waitForFunction(
    podletsReady,
    { timeout: 15_000 },
    ['podlet-header', 'podlet-old', 'podlet-auth'],
    [...serverOnlyElements, 'podlet-old'],
  );
  assert.equal(await page.evaluate(() => document.querySelector('podlet-old')!.shadowRoot?.textContent), 'On lit 2: clicked 0');
  assert.equal(await page.evaluate(() => Boolean(customElements.get('podlet-old'))), false);
  assert.deepEqual(await page.evaluate(hydrationProblems, ['podlet-header', 'podlet-auth']), [], 'the lit 3 podlets hydrated');
  assert.deepEqual(errors, []);
  await page.close();
});

test("lit 2 - render 'hydrate' - refused at start-up with PODMAP_ERR_CONFIG_HYDRATE_SUPPORT, saying to use 'ssr-only' or 'client'", async (t) => {
  await assert.rejects(serve(t, await writeLit2Podlet(t), 'hydrate'), (error: Error) => {
    assert.match(error.message, /PODMAP_ERR_CONFIG_HYDRATE_SUPPORT/);
    assert.match(error.message, /lit 2\.8\.0: lit 2's server renderer and its hydration disagree.*use 'ssr-only' or 'client'/);
    return true;
  });
});
