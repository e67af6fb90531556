import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { resolveSpecifier } from '../../runtime/import-map/index.ts';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import type { LayoutOptions } from '../../runtime/layout/layout-options.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { checkImportMap } from '../import-map/check-import-map.ts';
import { listen } from '../helpers/listen.ts';

let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
before(async () => {
  cdn = await startCdnWithLit();
});
after(() => cdn.close());

async function podletUrl(t: TestContext, name: string) {
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    dependencies: { lit: '^3.1.0' },
    modules: { [`${name}.js`]: "import 'lit';\nimport './util.js';\n", 'util.js': 'export {};\n' },
  });
  const podlet = await createPodlet({
    name,
    packageDir: dir,
    entries: [`${name}.js`],
    exposes: { [`@podlets/${name}/util.js`]: 'util.js' },
    content: () => `<p>${name}</p>`,
  });
  return `${await listen(t, podlet.handle)}manifest.json`;
}

async function startLayout(t: TestContext, extra: Partial<LayoutOptions>) {
  const alpha = await podletUrl(t, 'alpha');
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: { lit: './npm/lit@3/index.js' } },
    podlets: { alpha },
    pages: { '/': { title: 'Home', podlets: ['alpha'] }, '/other': { title: 'Other', podlets: ['alpha'] } },
    ...extra,
  });
  const base = await listen(t, layout.handle);
  const get = async (cookie?: unknown) => {
    const headers: Record<string, string> =
      cookie === undefined ? {} : { cookie: `podmap-overrides=${encodeURIComponent(JSON.stringify(cookie))}` };
    const response = await fetch(base, { headers });
    return { response, html: await response.text() };
  };
  return { base, alpha: new URL('public@1.0.0/', alpha).href, get };
}

const mapOf = (html: string) => JSON.parse((/<script type="importmap"[^>]*>(.*?)<\/script>/s.exec(html) ?? assert.fail(html))[1]!);
const cookie = { imports: { lit: 'http://localhost:8000/lit.js' }, podlets: { alpha: 'http://127.0.0.1:8100/public/' } };

test('createLayout() - overrides off (the default) - the cookie does nothing, no API is loaded', async (t) => {
  const { get } = await startLayout(t, {});
  const plain = await get();
  const withCookie = await get(cookie);
  assert.deepEqual(mapOf(withCookie.html), mapOf(plain.html));
  assert.doesNotMatch(withCookie.html, /podmap-overrides|localhost:8000|127\.0\.0\.1:8100/);
});

test('createLayout() - overrides on - the map, entry scripts and exposes follow the cookie; page not cached; notice shown', async (t) => {
  const { get, alpha } = await startLayout(t, { overrides: true });
  const { response, html } = await get(cookie);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const map = mapOf(html);
  assert.equal(map.imports.lit, 'http://localhost:8000/lit.js');
  assert.equal(map.imports['@podlets/alpha/util.js'], 'http://127.0.0.1:8100/public/util.js');
  assert.match(html, /<script type="module" src="http:\/\/127\.0\.0\.1:8100\/public\/alpha\.js" crossorigin="anonymous"><\/script>/);
  assert.ok(!html.includes(alpha), 'nothing of the released podlet is loaded');
  assert.match(html, /<aside id="podmap-overrides"/);
  assert.match(html, /<script type="module" src="\/-\/podmap\/overrides\.js"><\/script>/);
});

test('createLayout() - overrides on - an overridden page gets the untrimmed map, so a dev module importing what the release does not still resolves', async (t) => {
  const { get } = await startLayout(t, { overrides: true });
  const devBase = 'http://127.0.0.1:8100/public/';
  // What a dev build of alpha might add: a lit directive the released alpha.js never imports.
  const added = 'lit/directives/class-map.js';
  const plain = mapOf((await get()).html);
  assert.equal(resolveSpecifier(plain, added, `${devBase}alpha.js`), null, 'the trimmed map of the release has no entry for it');
  const overridden = mapOf((await get({ podlets: { alpha: devBase } })).html);
  const url = resolveSpecifier(overridden, added, `${devBase}alpha.js`);
  assert.ok(url?.startsWith(`${cdn.url.replace(/\/?$/, '/')}npm/lit@3.`) && url.endsWith('/directives/class-map.js'), String(url));
  assert.equal(resolveSpecifier(overridden, 'lit', `${devBase}alpha.js`), resolveSpecifier(plain, 'lit', `${devBase}alpha.js`));
  assert.deepEqual(checkImportMap(overridden), []);
  // The integrity the page pins is still the released graph's, none of it for the moved podlet.
  assert.deepEqual(
    Object.keys(overridden.integrity ?? {}).sort(),
    Object.keys(plain.integrity ?? {})
      .filter((u) => u.startsWith(cdn.url.replace(/\/?$/, '/')))
      .sort(),
  );
  // An override of one specifier gets the untrimmed map too.
  const lit = mapOf((await get({ imports: { lit: 'http://localhost:8000/lit.js' } })).html);
  assert.ok(resolveSpecifier(lit, added, `${devBase}alpha.js`));
  assert.equal(lit.imports.lit, 'http://localhost:8000/lit.js');
});

test("createLayout() - overrides on - one user's cookie does not reach the shared page-assets cache (security)", async (t) => {
  const { get, alpha } = await startLayout(t, { overrides: true });
  const before = mapOf((await get()).html);
  await get(cookie);
  const { html } = await get();
  assert.deepEqual(mapOf(html), before);
  assert.ok(html.includes(`${alpha}alpha.js`));
  assert.doesNotMatch(html, /localhost:8000|127\.0\.0\.1:8100|<aside id="podmap-overrides"/);
});

test('createLayout() - overrides on - rejected entries are logged with PODMAP_ERR_OVERRIDE_REJECTED and shown, escaped (security)', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const { get } = await startLayout(t, { overrides: true });
  const { html } = await get({
    imports: { '"><script>alert(1)</script>': 'http://localhost/x.js', lit: 'http://evil.example/"><img src=x onerror=alert(2)>' },
  });
  assert.ok(!html.includes('<script>alert(1)</script>') && !html.includes('<img src=x'), 'nothing from the cookie is markup');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(mapOf(html).imports.lit, /\/npm\/lit@3/, 'the rejected lit override left lit alone');
  const data = JSON.parse(
    (/<script type="application\/json" id="podmap-overrides-data">(.*?)<\/script>/.exec(html) ?? assert.fail(html))[1]!,
  );
  assert.equal(data.rejected.length, 1);
  assert.ok(warn.mock.calls.some((c) => String(c.arguments[0]).startsWith('podmap: PODMAP_ERR_OVERRIDE_REJECTED: "lit"')));
});

test("createLayout() - the notice's Clear form - expires the cookie and goes back to a page of this layout only (security: no open redirect)", async (t) => {
  const { base } = await startLayout(t, { overrides: true });
  for (const [back, location] of <Array<[string, string]>>[
    ['/other', '/other'],
    ['//evil.example/', '/'],
    ['https://evil.example/', '/'],
    ['/nope', '/'],
  ]) {
    const response = await fetch(new URL(`/-/podmap/clear-overrides?back=${encodeURIComponent(back)}`, base), {
      method: 'POST',
      redirect: 'manual',
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), location, back);
    assert.match(response.headers.get('set-cookie')!, /^podmap-overrides=; Path=\/; Max-Age=0/);
  }
  assert.equal((await fetch(new URL('/-/podmap/clear-overrides', base))).status, 405);
});

test('createLayout() - overrides on - serves the console API module; off - 404', async (t) => {
  const on = await startLayout(t, { overrides: true });
  const response = await fetch(new URL('/-/podmap/overrides.js', on.base));
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^text\/javascript/);
  assert.match(await response.text(), /podmapOverrides/);
  const off = await startLayout(t, {});
  assert.equal((await fetch(new URL('/-/podmap/overrides.js', off.base))).status, 404);
});

test('createLayout() - overrides and csp on - the API script carries the nonce; the dev origin joins the policy', async (t) => {
  const { get } = await startLayout(t, { overrides: true, csp: true });
  const { response, html } = await get(cookie);
  const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy')!)![1]!;
  assert.ok(html.includes(`<script type="module" src="/-/podmap/overrides.js" nonce="${nonce}"></script>`));
  assert.match(response.headers.get('content-security-policy')!, /http:\/\/127\.0\.0\.1:8100/);
});
