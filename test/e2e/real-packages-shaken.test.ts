import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createCdnServer, createShakenService } from '../../runtime/cdn/index.ts';
import { createLayout } from '../../runtime/layout/index.ts';
import { createPodlet } from '../../runtime/podlet/index.ts';
import { listenOn } from '../../runtime/shared/listen-on.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { loadRealPackagesPage } from '../helpers/load-real-packages-page.ts';
import { ensureRealPackagesStore, realPackagesDir, realPodlets } from '../helpers/real-packages.ts';

// The real-packages page with shaken builds (docs/shaken-builds.md): the six podlets, plus two
// that import different names from preact, preact/hooks, react and react-dom.
const podlets: Record<string, string> = { ...realPodlets, 'p-shaken-a': 'preact 3 react 4', 'p-shaken-b': 'preact 5 react 6' };
/** Entries the site imports by name, whose shaken builds the page must end up on. */
const shakenSpecifiers = ['preact', 'preact/hooks', 'htm/preact', 'react-dom/client', 'd3-scale', 'lodash-es/debounce', 'date-fns', 'vue'];
/** Packages reached only through others: vue passes @vue/runtime-dom on with `export *`, which passes on @vue/runtime-core. */
const shakenThrough = ['@vue/runtime-dom', '@vue/runtime-core'];
/** Side-effect-free packages whose only importer (d3-scale) no longer imports them once shaken. */
const droppedPackages = ['d3-time-format', 'd3-time'];

test('real packages - shaken to what the whole site imports - one preact and one react instance across podlets, and every podlet renders in Chromium', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-shaken-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Shaken builds are written into the store: a copy (of hard links) keeps the shared cache as it is.
  const storeDir = path.join(dir, 'store');
  await promisify(execFile)('cp', ['-al', (await ensureRealPackagesStore()).storeDir, storeDir]);
  const shaken = createShakenService(storeDir);
  const servers: Server[] = [];
  t.after(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));
  const cdn = await listenOn(createCdnServer({ storeDir, shaken }), 0);
  servers.push(cdn);
  const manifests: Record<string, string> = {};
  for (const name of Object.keys(podlets)) {
    const podlet = await createPodlet({
      name,
      packageDir: path.join(realPackagesDir, 'podlets', name),
      entries: [`${name}.js`],
      content: () => `<${name}></${name}>`,
      fallback: () => `<p>${name} is unavailable</p>`,
    });
    servers.push(await podlet.listen(0));
    manifests[name] = `http://127.0.0.1:${(servers.at(-1)!.address() as { port: number }).port}/manifest.json`;
  }
  const cdnUrl = `http://127.0.0.1:${(cdn.address() as { port: number }).port}/`;
  const layout = createLayout({
    cdnUrl,
    importMap: { imports: {} },
    podlets: manifests,
    pages: { '/': { title: 'Shaken', podlets: Object.keys(podlets) } },
  });
  servers.push(await layout.listen(0));
  const layoutUrl = `http://127.0.0.1:${(servers.at(-1)!.address() as { port: number }).port}/`;

  // Each round builds what the last one made known (a package's names come from the builds of
  // those that import it); the layout asks again on a fresh build of the page.
  let map: { imports: Record<string, string>; scopes?: Record<string, Record<string, string>> } = { imports: {} };
  const urlsOf = (name: string) =>
    [map.imports, ...Object.values(map.scopes ?? {})].flatMap((m) => Object.values(m)).filter((u) => u.includes(`/npm/${name}@`));
  const allShaken = () =>
    shakenSpecifiers.every((s) => map.imports[s]?.includes('/+/~shaken/')) &&
    shakenThrough.every((n) => urlsOf(n).some((u) => u.includes('/+/~shaken/')));
  for (let round = 0; round < 12 && !allShaken(); round++) {
    await shaken.idle();
    await layout.refresh();
    const html = await (await fetch(layoutUrl)).text();
    map = JSON.parse(/<script type="importmap"[^>]*>([^<]*)<\/script>/.exec(html)![1]!) as typeof map;
  }
  for (const specifier of shakenSpecifiers)
    assert.match(map.imports[specifier] ?? '', /\/\+\/~shaken\/[0-9a-f]+\//, `${specifier} is shaken`);
  for (const name of shakenThrough)
    assert.ok(urlsOf(name).length > 0 && urlsOf(name).every((u) => u.includes('/+/~shaken/')), `${name} is shaken`);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const load = await loadRealPackagesPage(browser, layoutUrl, Object.keys(podlets));
  const { page, html, shown } = load;
  assert.doesNotMatch(html, /data-fallback/, 'no podlet is on its fallback');
  assert.deepEqual(shown, podlets);
  const instances = await page.evaluate(() => {
    const seen = (window as unknown as { podmapInstances: { preact: unknown[]; react: unknown[] } }).podmapInstances;
    return {
      preact: seen.preact.length,
      react: seen.react.length,
      onePreact: seen.preact[0] === seen.preact[1],
      oneReact: seen.react[0] === seen.react[1],
    };
  });
  assert.deepEqual(instances, { preact: 2, react: 2, onePreact: true, oneReact: true });
  await page.waitForFunction(() => document.querySelector('p-shaken-b')?.getAttribute('data-optional'));
  assert.equal(
    await page.evaluate(() => document.querySelector('p-shaken-b')!.getAttribute('data-optional')),
    'missing',
    'the guarded import() failed, the podlet ran',
  );
  assert.deepEqual([...load.consoleErrors, ...load.failed], [], 'no console error, no failed request');
  for (const name of droppedPackages)
    assert.deepEqual(
      load.responses.filter((u) => u.includes(`/npm/${name}@`)),
      [],
      `${name} is not loaded`,
    );
  assert.ok(
    load.responses.some((u) => u.includes('/npm/d3-scale@')),
    'the check above saw the page’s requests',
  );
});
