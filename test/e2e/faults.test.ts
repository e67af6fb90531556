import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, test, type TestContext } from 'node:test';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { listenOn } from '../../runtime/shared/listen-on.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { underLoad as checkedLoad } from '../helpers/page-load.ts';

// The fault suite: real podlet servers on loopback behind a real layout, kept under bounded load
// while podlets are stopped, killed, restarted, hang or flap their versions. Whatever happens to
// one podlet, every page must answer 200, complete, with every section present (or its fallback).

const names = ['alpha', 'beta', 'gamma'];
let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
let layoutUrl: string;
let layoutServer: Server;
const podlets: Record<string, { server: Server; port: number; start(): Promise<void> }> = {};
/** What each podlet does with a content request: answer, hang, or answer with a new version every time. */
const behaviour: Record<string, 'ok' | 'hang' | 'flap'> = {};
let flaps = 0;
const manifestFetches: Record<string, number> = {};
const cleanups: Array<() => unknown> = [];

before(async () => {
  cdn = await startCdnWithLit();
  const manifests: Record<string, string> = {};
  for (const name of names) {
    behaviour[name] = 'ok';
    // writePodletFolder removes its folder through t.after(); these live for the whole file.
    const dir = await writePodletFolder({ after: (cleanup: () => unknown) => void cleanups.push(cleanup) } as unknown as TestContext, {
      name: `@podlets/${name}`,
      dependencies: { lit: '^3.1.0' },
      modules: { [`${name}.js`]: "import 'lit';\n" },
    });
    const podlet = await createPodlet({
      name,
      packageDir: dir,
      entries: [`${name}.js`],
      content: () => `<p>${name} content</p>`,
      fallback: () => `<p>${name} fallback</p>`,
    });
    const entry = {
      server: undefined as unknown as Server,
      port: 0,
      async start() {
        const server = (await import('node:http')).createServer((req, res) => {
          if (req.url === '/' && behaviour[name] === 'hang') return; // never answers
          if (req.url === '/manifest.json') manifestFetches[name] = (manifestFetches[name] ?? 0) + 1;
          if (req.url === '/' && behaviour[name] === 'flap') {
            // Every content response claims a new release, as a podlet stuck in a deploy loop would.
            const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => typeof res;
            res.writeHead = ((status: number, headers: Record<string, string> = {}) =>
              writeHead(status, { ...headers, 'podlet-version': `9.9.${++flaps}` })) as typeof res.writeHead;
          }
          podlet.handle(req, res);
        });
        entry.server = await listenOn(server, entry.port);
        entry.port = (entry.server.address() as { port: number }).port;
      },
    };
    await entry.start();
    podlets[name] = entry;
    manifests[name] = `http://127.0.0.1:${entry.port}/manifest.json`;
  }
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: {} },
    podlets: manifests,
    pages: { '/': { title: 'faults', podlets: names } },
    timeoutMs: 300,
  });
  layoutServer = await layout.listen(0);
  layoutUrl = `http://127.0.0.1:${(layoutServer.address() as { port: number }).port}/`;
});

after(async () => {
  for (const { server } of Object.values(podlets)) {
    server.closeAllConnections();
    server.close();
  }
  layoutServer.closeAllConnections();
  layoutServer.close();
  await cdn.close();
  for (const cleanup of cleanups) await cleanup();
});

const underLoad = (total: number, concurrency: number, during?: () => Promise<void>) =>
  checkedLoad(layoutUrl, names, { total, concurrency }, during);

test('faults - a podlet stopped, then restarted, under load - every page is 200 and complete; its section falls back, then comes back', async (t) => {
  t.mock.method(console, 'warn', () => {});
  await underLoad(30, 5, async () => {});
  const beta = podlets.beta!;
  const stopped = await underLoad(60, 5, async () => {
    beta.server.closeAllConnections();
    await new Promise<void>((r) => beta.server.close(() => r()));
  });
  assert.ok(
    stopped.some((p) => p.fallbacks.includes('beta')),
    'beta fell back while stopped',
  );
  assert.ok(
    stopped.every((p) => !p.fallbacks.includes('alpha') && !p.fallbacks.includes('gamma')),
    'the others never did',
  );
  await beta.start();
  // A circuit breaker may hold the fallback for a cool-down before it probes the podlet again.
  let back = await underLoad(10, 5, async () => {});
  for (let waited = 0; back.at(-1)!.fallbacks.includes('beta') && waited < 20_000; waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    back = await underLoad(10, 5, async () => {});
  }
  assert.ok(!back.at(-1)!.fallbacks.includes('beta'), 'beta renders again after its restart');
});

test('faults - a podlet that hangs - gets its fallback, and the others render in every page', async (t) => {
  t.mock.method(console, 'warn', () => {});
  behaviour.gamma = 'hang';
  t.after(() => (behaviour.gamma = 'ok'));
  const pages = await underLoad(20, 5, async () => {});
  assert.ok(
    pages.every((p) => p.fallbacks.includes('gamma') && !p.fallbacks.includes('alpha')),
    pages.map((p) => p.fallbacks.join()).join(' | '),
  );
});

test('faults - a podlet killed mid-response - every page is still 200 and complete', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const alpha = podlets.alpha!;
  await underLoad(40, 5, async () => {
    await new Promise((r) => setTimeout(r, 20));
    alpha.server.closeAllConnections();
    alpha.server.close();
  });
  await alpha.start();
});

test('faults - a podlet whose version flaps on every response - pages stay 200 and complete, and its manifest is not refetched per page', async (t) => {
  t.mock.method(console, 'warn', () => {});
  behaviour.alpha = 'flap';
  t.after(() => (behaviour.alpha = 'ok'));
  const before = manifestFetches.alpha ?? 0;
  const started = Date.now();
  const pages = await underLoad(200, 10, async () => {});
  const seconds = (Date.now() - started) / 1000;
  const refetches = (manifestFetches.alpha ?? 0) - before;
  // gamma may still be in its circuit breaker's cool-down from the hanging-podlet case.
  assert.deepEqual(pages.filter((p) => p.fallbacks.includes('beta')).length, 0, 'a podlet that does not flap never falls back');
  // At most one refetch a second (and the one in flight): never one per page.
  assert.ok(refetches <= Math.ceil(seconds) + 2, `${refetches} manifest fetches in ${seconds.toFixed(1)} s for 200 pages`);
});
