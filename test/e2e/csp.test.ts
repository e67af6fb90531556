// The demo under its strict Content-Security-Policy (on by default; PODMAP_CSP=0 turns it off):
// every podlet renders and Chromium reports no violation. es-module-shims under the same policy
// is covered by shim.test.ts (no module fetched twice).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import type { RunningDemo } from '../../layouts/demo.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { demoElements } from '../helpers/demo-elements.ts';
import { startTestDemo } from '../helpers/start-test-demo.ts';
import { openPage, rendered, signIn } from './open-page.ts';

let demo: RunningDemo;
let browser: Browser;

before(async () => {
  demo = await startTestDemo({ PODMAP_CSP: '1', PODMAP_MODE: 'native' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('csp - home - every script and preload carries the response nonce, which changes per response', async () => {
  const first = await fetch(demo.urls.layout);
  const policy = first.headers.get('content-security-policy') ?? assert.fail('no Content-Security-Policy header');
  const nonce = (/'nonce-([^']+)'/.exec(policy) ?? assert.fail(policy))[1]!;
  assert.match(policy, /'strict-dynamic'/);
  assert.match(policy, /object-src 'none'; base-uri 'none'/);
  const html = await first.text();
  const tags = [...html.matchAll(/<script[^>]*>|<link rel="modulepreload[^>]*>/g)].map((m) => m[0]);
  assert.ok(tags.length > 10);
  for (const tag of tags.filter((t) => !t.includes('esms-options'))) assert.ok(tag.includes(` nonce="${nonce}"`), tag);
  const second = (await fetch(demo.urls.layout)).headers.get('content-security-policy');
  assert.notEqual(second, policy, 'a fresh nonce for every response');
});

for (const [pathname, podlets] of Object.entries(demoElements)) {
  test(`csp - ${pathname} - every podlet renders in Chromium with no violation reported`, async () => {
    const load = await openPage(browser, new URL(pathname, demo.urls.layout).href);
    await rendered(load.page, [...podlets]);
    assert.deepEqual(load.cspViolations, [], 'no securitypolicyviolation events');
    assert.deepEqual(load.consoleErrors, [], 'no console errors');
    assert.deepEqual(load.failed, [], 'no failed requests');
    assert.deepEqual(load.duplicates(), [], 'no module fetched twice');
    await load.page.close();
  });
}

test('csp - home - an inline script injected into the page without the nonce - is refused and reported (security)', async () => {
  const load = await openPage(browser, demo.urls.layout!, {
    rewriteDocument: (html) => html.replace('<main', '<script>window.injected = 1</script><img src=x onerror="window.injected = 2"><main'),
  });
  // (A document answered through interception counts as public to Chromium, which then refuses
  // its loopback module requests: this test looks at the injection only, not at the podlets.)
  assert.equal(await load.page.evaluate(() => (window as unknown as { injected?: number }).injected), undefined, 'neither injection ran');
  assert.equal(
    load.cspViolations.filter((v) => v === 'script-src-elem inline' || v === 'script-src-attr inline').length,
    2,
    load.cspViolations.join('\n'),
  );
  await load.page.close();
});

test('csp - home - signing in still updates the header (the bus and exposed modules work under the policy)', async () => {
  const load = await openPage(browser, demo.urls.layout!);
  await rendered(load.page, ['podlet-header', 'podlet-auth']);
  await signIn(load.page, 'Ada');
  assert.deepEqual(load.cspViolations, []);
  await load.page.close();
});

/** Opens `url` with JavaScript off in a fresh context and reads the footer's server-rendered shadow root. */
async function readFooterWithoutScript(url: string, rewrite?: (html: string) => string) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setJavaScriptEnabled(false);
  if (rewrite) {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() !== url) return void request.continue();
      void fetch(url).then(async (r) =>
        request.respond({ status: r.status, headers: Object.fromEntries(r.headers), body: rewrite(await r.text()) }),
      );
    });
  }
  await page.goto(url, { waitUntil: 'load' });
  // Evaluation through CDP runs with page scripts off; the page's own scripts never ran.
  const seen = await page.evaluate(() => {
    const root = document.querySelector('podlet-footer')?.shadowRoot;
    const footer = root?.querySelector('footer');
    return {
      text: root?.textContent ?? null,
      display: footer ? getComputedStyle(footer).display : null,
      ranModules: Boolean(customElements.get('podlet-footer')),
    };
  });
  await context.close();
  return seen;
}

for (const pathname of ['/', '/search']) {
  test(`csp - ${pathname} with JavaScript disabled in Chromium - the server-rendered footer shows its content, styled, on first paint`, async () => {
    const seen = await readFooterWithoutScript(new URL(pathname, demo.urls.layout).href);
    assert.match(seen.text ?? 'no shadow root', /Podmap Travel/);
    assert.match(seen.text!, /Footer lit: lit@3\.\d+\.\d+, rendered on the server/);
    assert.equal(seen.display, 'flex', "the footer's own style (display: flex) applies under style-src");
    assert.equal(seen.ranModules, false, 'no module defined the element: this is the declarative shadow root');
  });
}

test('csp - a <style> in a podlet shadow root that no podlet declared - blocked and reported, so style-src is real', async () => {
  const inject = (html: string) => {
    assert.ok(html.includes('<template shadowroot="open" shadowrootmode="open"><style>'), 'the footer is server-rendered');
    return html.replace(
      '<template shadowroot="open" shadowrootmode="open"><style>',
      '<template shadowroot="open" shadowrootmode="open"><style>footer{display:grid !important}</style><style>',
    );
  };
  const seen = await readFooterWithoutScript(demo.urls.layout, inject);
  assert.equal(seen.display, 'flex', 'the undeclared style did not apply');
  const load = await openPage(browser, demo.urls.layout, { rewriteDocument: inject });
  assert.ok(
    load.cspViolations.some((v) => v.startsWith('style-src-elem inline')),
    load.cspViolations.join('\n'),
  );
  await load.page.close();
});
