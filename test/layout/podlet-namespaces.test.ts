import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import type { LayoutOptions } from '../../runtime/layout/layout-options.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { listen } from '../helpers/listen.ts';

// Hostile podlets are small real servers serving a hand-written manifest.json and podmap.json,
// next to a real CDN with lit, so every check below runs through the layout as in production.
let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
before(async () => {
  cdn = await startCdnWithLit();
});
after(() => cdn.close());

interface HandWritten {
  package: string;
  needs?: Record<string, string>;
  exposes?: Record<string, string>;
  /** Module path below public/ → its imports; the first is the podlet's entry. */
  modules: Record<string, string[]>;
  /** Served as podmap.json instead of the document made from the fields above. */
  rawPodmap?: string;
}

/** A podlet server from hand-written documents; answers its manifest URL. */
async function handWritten(t: TestContext, name: string, spec: HandWritten): Promise<string> {
  const entry = Object.keys(spec.modules)[0]!;
  const podmap =
    spec.rawPodmap ??
    JSON.stringify({
      podmap: 1,
      package: { name: spec.package, version: '1.0.0' },
      base: './public/',
      needs: spec.needs ?? {},
      exposes: spec.exposes ?? {},
      modules: spec.modules,
    });
  const manifest = JSON.stringify({
    name,
    version: '1.0.0',
    content: '/content',
    fallback: '/fallback',
    js: [{ value: `/public/${entry}`, type: 'module' }],
    css: [],
  });
  const url = await listen(t, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const body: Record<string, string> = {
      '/manifest.json': manifest,
      '/podmap.json': podmap,
      '/content': `<p>${name} content</p>`,
      '/fallback': `<p>${name} fallback</p>`,
    };
    const text = body[path] ?? (path.startsWith('/public/') ? 'export {};\n' : undefined);
    res.writeHead(text === undefined ? 404 : 200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'text/html' });
    res.end(text ?? 'not found');
  });
  return `${url}manifest.json`;
}

/** A layout over these podlets and pages; `get(path)` answers the page's HTML, map and fallbacks. */
async function layoutOf(
  t: TestContext,
  podlets: Record<string, string>,
  pages: Record<string, string[]>,
  extra: Partial<LayoutOptions> = {},
) {
  const warn = t.mock.method(console, 'warn', () => {});
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: { lit: './npm/lit@3/index.js' } },
    podlets,
    pages: Object.fromEntries(Object.entries(pages).map(([path, names]) => [path, { title: 'x', podlets: names }])),
    ...extra,
  });
  const base = await listen(t, layout.handle);
  return {
    async get(path: string) {
      const html = await (await fetch(new URL(path, base))).text();
      const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]!) as { imports: Record<string, string> };
      return { html, map, isFallback: (name: string) => new RegExp(`data-podlet="${name}" data-fallback>`).test(html) };
    },
    logs: () => warn.mock.calls.map((c) => String(c.arguments[0])),
  };
}

const header = (t: TestContext, needs: Record<string, string> = {}, imports: string[] = []) =>
  handWritten(t, 'header', {
    package: '@podlets/header',
    needs: { lit: '^3.1.0', ...needs },
    modules: { 'header.js': ['lit', ...imports] },
  });

test('createLayout() - a podlet that claims package lit - cannot take lit from other pages, and the log names it (security)', async (t) => {
  const evil = await handWritten(t, 'evil', {
    package: 'lit',
    exposes: { lit: 'evil.js', 'lit/': 'evil/' },
    modules: { 'evil.js': [] },
  });
  const site = await layoutOf(t, { header: await header(t), evil }, { '/': ['header'], '/evil': ['evil'] });
  const home = await site.get('/');
  assert.match(home.map.imports.lit!, /\/npm\/lit@3\.\d+\.\d+\//, 'lit comes from the CDN');
  assert.ok(!home.isFallback('header'), home.html);
  assert.ok(!Object.values(home.map.imports).some((url) => url.includes('/public/evil')));
  const evilPage = await site.get('/evil');
  assert.match(evilPage.html, /evil content/, "the podlet's own content still renders");
  assert.ok(!Object.values(evilPage.map.imports).some((url) => url.includes('/public/evil')));
  assert.ok(
    site.logs().some((l) => /^podmap: podlet "evil": PODMAP_ERR_NAMESPACE_DENIED: package lit: /.test(l)),
    site.logs().join('\n'),
  );
  assert.ok(!site.logs().some((l) => l.includes('NEED_UNSATISFIED')), site.logs().join('\n'));
});

/** auth and aa-evil both claim package `pkg` (default @podlets/auth); header imports `<pkg>/session.js`. */
async function authAndImpostor(t: TestContext, extra: Partial<LayoutOptions> = {}, pkg = '@podlets/auth') {
  const auth = await handWritten(t, 'auth', {
    package: pkg,
    exposes: { [`${pkg}/session.js`]: 'session.js' },
    modules: { 'auth.js': [], 'session.js': [] },
  });
  const impostor = await handWritten(t, 'aa-evil', {
    package: pkg,
    exposes: { [`${pkg}/session.js`]: 'steal.js' },
    modules: { 'aa-evil.js': [], 'steal.js': [] },
  });
  const head = await header(t, { [pkg]: '^1.0.0' }, [`${pkg}/session.js`]);
  return layoutOf(t, { header: head, auth, 'aa-evil': impostor }, { '/': ['header', 'auth'], '/other': ['aa-evil'] }, extra);
}

test('createLayout() - a podlet claiming the package of the podlet registered as auth, without a grant - is refused alone with PODMAP_ERR_NAMESPACE_OWNED; auth keeps its expose and header runs (security)', async (t) => {
  const site = await authAndImpostor(t);
  const home = await site.get('/');
  assert.match(home.map.imports['@podlets/auth/session.js']!, /\/public\/session\.js$/, "auth's own module");
  assert.ok(!Object.values(home.map.imports).some((url) => url.includes('steal.js')), JSON.stringify(home.map));
  assert.ok(!home.isFallback('header') && !home.isFallback('auth'), home.html);
  // A page without the intruder does not even hear of it; the owner is never named as refused.
  assert.deepEqual(site.logs(), []);
  const other = await site.get('/other');
  assert.match(other.html, /aa-evil content/, "the intruder's own content still renders");
  assert.ok(!Object.values(other.map.imports).some((url) => url.includes('steal.js')), JSON.stringify(other.map));
  assert.ok(
    site
      .logs()
      .some((l) =>
        /^podmap: podlet "aa-evil": PODMAP_ERR_NAMESPACE_OWNED: package @podlets\/auth: owned by podlet "auth": it is registered under that name$/.test(
          l,
        ),
      ),
    site.logs().join('\n'),
  );
  assert.ok(
    !site.logs().some((l) => l.startsWith('podmap: podlet "auth"') || l.includes('PODMAP_ERR_EXPOSE_CONFLICT')),
    site.logs().join('\n'),
  );
});

test('createLayout() - two podlets claiming a package neither is registered as, without a grant - both are refused, header falls back, and the log names them (security)', async (t) => {
  const site = await authAndImpostor(t, {}, '@shared/session');
  const { map, html, isFallback } = await site.get('/');
  assert.ok(!Object.values(map.imports).some((url) => url.includes('steal.js') || url.includes('session.js')), JSON.stringify(map));
  assert.ok(isFallback('header'), 'header cannot run without the session module nobody may expose');
  assert.match(html, /auth content/, "auth's own content still renders");
  assert.ok(
    site
      .logs()
      .some((l) =>
        /^podmap: podlet "aa-evil": PODMAP_ERR_NAMESPACE_DENIED: package @shared\/session: also claimed by podlet "auth"/.test(l),
      ),
    site.logs().join('\n'),
  );
  assert.ok(!site.logs().some((l) => l.includes('PODMAP_ERR_EXPOSE_CONFLICT')), site.logs().join('\n'));
});

test("createLayout() - a podlet claiming a package the layout grants to another podlet - is refused, and the owner's module is the one header loads (security)", async (t) => {
  const site = await authAndImpostor(t, { namespaces: { auth: ['@shared/session'] } }, '@shared/session');
  const { map, isFallback } = await site.get('/');
  assert.match(map.imports['@shared/session/session.js']!, /\/public\/session\.js$/);
  assert.ok(!isFallback('header') && !isFallback('auth'));
  await site.get('/other');
  const owned = site
    .logs()
    .filter((l) =>
      l.startsWith(
        'podmap: podlet "aa-evil": PODMAP_ERR_NAMESPACE_OWNED: package @shared/session: owned by podlet "auth": the layout\'s namespaces option grants it',
      ),
    );
  assert.ok(owned.length >= 1, site.logs().join('\n'));
  assert.ok(!site.logs().some((l) => l.startsWith('podmap: podlet "auth"')), site.logs().join('\n'));
});

test('createLayout() - a podlet claiming the package of a registered podlet that is down - is refused all the same: the registration owns it (security)', async (t) => {
  const impostor = await handWritten(t, 'aa-evil', {
    package: '@podlets/auth',
    exposes: { '@podlets/auth/session.js': 'steal.js' },
    modules: { 'aa-evil.js': [], 'steal.js': [] },
  });
  const head = await header(t, { '@podlets/auth': '^1.0.0' }, ['@podlets/auth/session.js']);
  // auth is registered at a port nothing listens on: its manifest never arrives.
  const site = await layoutOf(
    t,
    { header: head, auth: 'http://127.0.0.1:9/manifest.json', 'aa-evil': impostor },
    { '/': ['header', 'aa-evil'] },
  );
  const { map, isFallback } = await site.get('/');
  assert.ok(!Object.values(map.imports).some((url) => url.includes('steal.js')), JSON.stringify(map));
  assert.ok(isFallback('header'), 'with its owner down, nobody meets the need: the fallback, never the impostor');
  assert.ok(
    site
      .logs()
      .some((l) => l.startsWith('podmap: podlet "aa-evil": PODMAP_ERR_NAMESPACE_OWNED: package @podlets/auth: owned by podlet "auth"')),
    site.logs().join('\n'),
  );
});

test('createLayout() - a podlet exposing data:, javascript: or third-party URLs - those exposes are left out and logged, its own module stays (security)', async (t) => {
  const dodgy = await handWritten(t, 'dodgy', {
    package: '@podlets/dodgy',
    exposes: {
      '@podlets/dodgy/a.js': 'data:text/javascript,alert(1)',
      '@podlets/dodgy/b.js': 'javascript:alert(1)',
      '@podlets/dodgy/c.js': 'https://evil.example/c.js',
      '@podlets/dodgy/ok.js': 'ok.js',
    },
    modules: { 'dodgy.js': [], 'ok.js': [] },
  });
  const site = await layoutOf(t, { dodgy, header: await header(t) }, { '/': ['dodgy', 'header'] });
  const { map, isFallback } = await site.get('/');
  assert.deepEqual(
    Object.keys(map.imports).filter((k) => k.startsWith('@podlets/dodgy/')),
    ['@podlets/dodgy/ok.js'],
  );
  assert.ok(
    !JSON.stringify(map).includes('data:') && !JSON.stringify(map).includes('javascript:') && !JSON.stringify(map).includes('evil.example'),
  );
  assert.ok(!isFallback('dodgy') && !isFallback('header'));
  const refused = site.logs().filter((l) => l.startsWith('podmap: podlet "dodgy": PODMAP_ERR_EXPOSE_URL_REFUSED: '));
  assert.equal(refused.length, 3, site.logs().join('\n'));
});

test('createLayout() - a podlet exposing outside its own package - that expose is refused, naming it (security)', async (t) => {
  const sneaky = await handWritten(t, 'sneaky', {
    package: '@podlets/sneaky',
    exposes: { 'lit-html/': 'x/', '@podlets/sneaky/ok.js': 'ok.js' },
    modules: { 'sneaky.js': [], 'ok.js': [] },
  });
  const site = await layoutOf(t, { sneaky, header: await header(t) }, { '/': ['sneaky', 'header'] });
  const { map } = await site.get('/');
  assert.equal(map.imports['lit-html/'], undefined);
  assert.match(map.imports['@podlets/sneaky/ok.js']!, /\/public\/ok\.js$/);
  assert.ok(
    site.logs().some((l) => /^podmap: podlet "sneaky": PODMAP_ERR_NAMESPACE_DENIED: lit-html\/ is outside/.test(l)),
    site.logs().join('\n'),
  );
});

test("createLayout() - a podmap.json of 75,000 needs - is refused as too large, with the code in the log, and another podlet's page is unaffected (security)", async (t) => {
  const needs = Object.fromEntries(Array.from({ length: 75_000 }, (_, i) => [`p${i.toString(36)}`, '1']));
  const rawPodmap = JSON.stringify({
    podmap: 1,
    package: { name: '@podlets/big', version: '1.0.0' },
    base: './public/',
    needs,
    exposes: {},
    modules: { 'big.js': [] },
  });
  assert.ok(rawPodmap.length < 1024 * 1024, 'under the 1 MiB body limit: the counts are what refuses it');
  const big = await handWritten(t, 'big', { package: '@podlets/big', modules: { 'big.js': [] }, rawPodmap });
  const site = await layoutOf(t, { big, header: await header(t) }, { '/': ['header'], '/big': ['big'] });
  // CPU time of this process (layout, podlets and test alike), not wall-clock time, which a loaded
  // machine stretches: planning 75,000 needs used to cost seconds of it.
  const started = process.cpuUsage();
  const home = await site.get('/');
  const used = process.cpuUsage(started);
  assert.ok((used.user + used.system) / 1000 < 2000, 'the page is not held up');
  assert.match(home.map.imports.lit!, /\/npm\/lit@3\./);
  assert.ok(!home.isFallback('header'));
  assert.ok(
    site.logs().some((l) => /^podmap: podlet "big": PODMAP_ERR_PODMAP_TOO_LARGE: .*\(more than 1000 needs\)/.test(l)),
    site.logs().join('\n'),
  );
  // Its own page serves its fallback: its modules could not run without the entries it asked for.
  const own = await site.get('/big');
  assert.ok(own.isFallback('big'), 'the podlet with the refused podmap.json gets its fallback');
});
