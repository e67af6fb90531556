import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, test, type TestContext } from 'node:test';
import Layout from '@podium/layout';
import Podlet from '@podium/podlet';
import { HttpIncoming } from '@podium/utils';
import { resolveSpecifier } from '../../runtime/import-map/resolve-specifier.ts';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { createPodmapHead } from '../../runtime/layout/render/create-podmap-head.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
before(async () => {
  cdn = await startCdnWithLit();
});
after(() => cdn.close());
const importMap = { imports: { lit: './npm/lit@3/index.js' } };

async function podmapPodlet(t: TestContext, name: string, range: string) {
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    dependencies: { lit: range },
    modules: { [`${name}.js`]: "import { LitElement } from 'lit';\n" },
  });
  const podlet = await createPodlet({ name, packageDir: dir, entries: [`${name}.js`], content: () => `<p>${name} from podmap</p>` });
  return `${await listen(t, podlet.handle)}manifest.json`;
}

/** A plain Podium podlet, made with @podium/podlet: no podmap.json, a classic script. */
async function plainPodiumPodlet(t: TestContext) {
  const podlet = new Podlet({
    name: 'plainPodlet',
    version: '2.0.0',
    pathname: '/',
    manifest: '/manifest.json',
    content: '/',
    fallback: '/fallback',
    development: false,
  });
  podlet.js({ value: '/assets/plain.js' });
  const url = await listen(t, async (req, res) => {
    const incoming = new HttpIncoming(req, res);
    await podlet.process(incoming, { proxy: false });
    res.setHeader('podlet-version', podlet.version);
    if (req.url === '/manifest.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(podlet));
    } else if (req.url === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(podlet.render(incoming, '<p>plain podium content</p>'));
    } else if (req.url === '/fallback') {
      res.end('<p>plain fallback</p>');
    } else if (req.url === '/assets/plain.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end('window.plain = true;');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return `${url}manifest.json`;
}

test("createPodmapHead() - a page composed by a real @podium/layout - gets podmap's import map and preloads", async (t) => {
  const modern = await podmapPodlet(t, 'modern', '^3.1.0');
  const lagging = await podmapPodlet(t, 'lagging', '^2.7.0');
  const head = createPodmapHead({ cdnUrl: cdn.url, importMap, podlets: { modern, lagging } });
  const layout = new Layout({ name: 'podiumLayout', pathname: '/' });
  const clients = [layout.client.register({ name: 'modern', uri: modern }), layout.client.register({ name: 'lagging', uri: lagging })];
  const base = await listen(t, async (req, res) => {
    const incoming = new HttpIncoming(req, res);
    await layout.process(incoming, { proxy: false });
    const results = await Promise.all(clients.map((c) => c.fetch(incoming)));
    // Podium writes the podlets' own scripts from their manifests; podmap adds the map and preloads.
    incoming.podlets = results;
    const document = layout.render(incoming, results.map((r) => r.content).join(''), await head.render(['modern', 'lagging']));
    res.setHeader('content-type', 'text/html');
    res.end(document);
  });
  const html = await (await fetch(base)).text();
  assert.match(html, /<p>modern from podmap<\/p>/);
  assert.match(html, /<p>lagging from podmap<\/p>/);
  const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]!);
  const modernModule = new URL('public@1.0.0/modern.js', modern).href;
  const laggingModule = new URL('public@1.0.0/lagging.js', lagging).href;
  assert.match(resolveSpecifier(map, 'lit', modernModule)!, /\/lit@3\./);
  assert.match(resolveSpecifier(map, 'lit', laggingModule)!, /\/lit@2\./);
  assert.ok(html.includes(`<link rel="modulepreload" href="${modernModule}" crossorigin="anonymous">`));
  // Podium's own script tags for the podlets' entry modules, with the crossorigin the preloads use.
  assert.ok(html.includes(`<script src="${laggingModule}" type="module" crossorigin="anonymous"></script>`), html);
  // A module script that runs before the map is parsed would resolve without it.
  assert.ok(html.indexOf('<script type="importmap">') < html.indexOf(`<script src="${laggingModule}"`));
});

test('createLayout() - a plain @podium/podlet next to podmap podlets - is composed, with its script and no map entries', async (t) => {
  const modern = await podmapPodlet(t, 'modern', '^3.1.0');
  const plain = await plainPodiumPodlet(t);
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap,
    podlets: { modern, plain },
    pages: { '/': { title: 'mixed', podlets: ['modern', 'plain'] } },
  });
  const html = await (await fetch(await listen(t, layout.handle))).text();
  assert.match(html, /<section class="podlet" data-podlet="plain"><p>plain podium content<\/p><\/section>/);
  assert.match(html, /<section class="podlet" data-podlet="modern"><p>modern from podmap<\/p><\/section>/);
  assert.ok(
    html.includes(`<script src="${new URL('/assets/plain.js', plain).href}" defer></script>`),
    'its classic script is written, deferred',
  );
  const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]!);
  assert.ok(!JSON.stringify(map).includes(new URL(plain).host), 'a plain podlet adds nothing to the map');
  assert.match(map.imports.lit, /\/lit@3\./);
});

test('createPodmapHead() - a podlet that is down - is waited for on the first call only, then retried in the background', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const modern = await podmapPodlet(t, 'modern', '^3.1.0');
  // The first manifest request fails at once; every later one hangs until the test ends.
  let requests = 0;
  const hanging: Array<import('node:http').ServerResponse> = [];
  const arrived = new EventEmitter<{ hanging: [] }>();
  const down = `${await listen(t, (_req, res) => {
    requests++;
    if (requests === 1) return void res.writeHead(503).end();
    hanging.push(res);
    arrived.emit('hanging');
  })}manifest.json`;
  t.after(() => hanging.forEach((res) => res.destroy()));
  // The retry window passes on the test's clock, not by a real 2 s sleep.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const head = createPodmapHead({ cdnUrl: cdn.url, importMap, podlets: { modern, down }, timeoutMs: 10_000 });
  const first = await head.assets(['modern', 'down']);
  assert.deepEqual(
    first.scripts.map((s) => s.src.split('/').pop()),
    ['modern.js'],
    'only the podlet with a manifest has scripts',
  );
  assert.equal(requests, 1);
  // A failed manifest is retried at most every 2 s; after that a call starts the retry and returns.
  t.mock.timers.tick(2000);
  const retried = once(arrived, 'hanging');
  const second = await head.assets(['modern', 'down']);
  assert.deepEqual(
    second.scripts.map((s) => s.src.split('/').pop()),
    ['modern.js'],
  );
  await retried;
  assert.equal(hanging.length, 1, 'the retry was started');
  assert.equal(hanging[0]!.writableEnded, false, 'and the call returned while it was still pending');
});

test('createPodmapHead() - a podlet name it was not given - throws PODMAP_ERR_CONFIG_UNKNOWN_PODLET', async () => {
  const head = createPodmapHead({ cdnUrl: cdn.url, importMap, podlets: {} });
  await assert.rejects(head.assets(['nobody']), { name: 'TypeError', code: 'PODMAP_ERR_CONFIG_UNKNOWN_PODLET' });
});
