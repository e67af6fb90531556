import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'puppeteer-core';
import { createCdnServer, publishTarball } from '../../runtime/cdn/index.ts';
import { createLayout } from '../../runtime/layout/index.ts';
import { createPodlet } from '../../runtime/podlet/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { listenOn } from '../../runtime/shared/listen-on.ts';
import { loadRealPackagesPage } from '../helpers/load-real-packages-page.ts';
import { ensureRealPackagesStore, realPackagesDir, realPodlets } from '../helpers/real-packages.ts';

// Podlets that import real npm packages the way their docs say to, on a page composed by a real
// layout from a real CDN store the packages were installed and published into, in Chromium.
let browser: Browser;
let layoutUrl: string;
let installDir: string;
const servers: Server[] = [];

before(async () => {
  const store = await ensureRealPackagesStore();
  installDir = store.installDir;
  // The cached store is shared: shaken builds, written into it, are test/e2e/real-packages-shaken.test.ts's, on a copy.
  const cdn = await listenOn(createCdnServer({ storeDir: store.storeDir, shaken: false }), 0);
  const cdnUrl = `http://127.0.0.1:${(cdn.address() as { port: number }).port}/`;
  servers.push(cdn);
  const manifests: Record<string, string> = {};
  for (const name of Object.keys(realPodlets)) {
    const podlet = await createPodlet({
      name,
      packageDir: path.join(realPackagesDir, 'podlets', name),
      entries: [`${name}.js`],
      content: () => `<${name}></${name}>`,
      fallback: () => `<p>${name} is unavailable</p>`,
    });
    const server = await podlet.listen(0);
    servers.push(server);
    manifests[name] = `http://127.0.0.1:${(server.address() as { port: number }).port}/manifest.json`;
  }
  const layout = createLayout({
    cdnUrl,
    importMap: { imports: {} },
    podlets: manifests,
    pages: { '/': { title: 'Real packages', podlets: Object.keys(realPodlets) } },
  });
  const server = await layout.listen(0);
  servers.push(server);
  layoutUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

test('real packages - seven podlets on preact, date-fns 2 and 4, lodash-es, rxjs, d3, uuid 9 and 11, zod 3 and 4, react, vue, and qs, call-bind and get-intrinsic (CommonJS requiring CommonJS functions) - all run in Chromium, cleanly', async () => {
  const { context, html, shown, consoleErrors, failed, redirects, scripts } = await loadRealPackagesPage(
    browser,
    layoutUrl,
    Object.keys(realPodlets),
  );
  assert.doesNotMatch(html, /data-fallback/, 'no podlet is on its fallback');
  assert.deepEqual(shown, realPodlets);
  assert.deepEqual(consoleErrors, [], 'no console error');
  assert.deepEqual(failed, [], 'no failed request and no 404');
  assert.deepEqual(redirects, [], 'no redirect');
  const counts = new Map<string, number>();
  for (const url of scripts) counts.set(url, (counts.get(url) ?? 0) + 1);
  assert.deepEqual(
    [...counts].filter(([, n]) => n > 1),
    [],
    'no module fetched twice',
  );
  const preloads = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')));
  assert.deepEqual(
    [...counts.keys()].filter((url) => !preloads.has(url)),
    [],
    'every module the page loads was preloaded',
  );
  await context.close();
});

test('real packages - react, immer, vue and rxjs - publish from the npm tarballs too, with a browser build of each entry point', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-tarballs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lock = JSON.parse(await readFile(path.join(installDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string }>;
  };
  const specs = ['react', 'immer', 'vue', 'rxjs'].map((name) => `${name}@${lock.packages[`node_modules/${name}`]!.version}`);
  const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--pack-destination', dir, ...specs], {
    cwd: dir,
    timeout: 120_000,
  });
  const tarballs = (JSON.parse(stdout) as Array<{ filename: string }>).map((p) =>
    path.join(dir, p.filename.replace(/^@/, '').replace('/', '-')),
  );
  const store = path.join(dir, 'store');
  for (const tarball of tarballs) {
    const { name, version } = await publishTarball(store, tarball);
    const meta = JSON.parse(await readFile(path.join(store, 'npm', `${name}@${version}`, 'meta.json'), 'utf8')) as {
      build: { entries: Record<string, string>; unavailable: Record<string, string> };
    };
    assert.equal(meta.build.entries['.'], '+/index.js', `${name} has a built main entry`);
    assert.ok(!Object.hasOwn(meta.build.unavailable, '.'), `${name} runs in a browser`);
  }
});
