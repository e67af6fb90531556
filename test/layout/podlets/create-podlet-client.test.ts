import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test, type TestContext } from 'node:test';
import { createPodletClient, type PodletClientOptions } from '../../../runtime/layout/podlets/create-podlet-client.ts';
import type { PodmapError } from '../../../runtime/shared/errors.ts';
import { listen } from '../../helpers/listen.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real podlet server (plain node:http, no podmap.json) whose answers the test changes as it
 * goes; `seen` counts the requests per path, server-side, and content requests apart by whether
 * they carry the signed-in user: pages send one (`asPage`), a circuit breaker's probes never do.
 * `changed` wakes up whoever waits on the server (waitUntil()).
 */
async function podletServer(t: TestContext) {
  const seen = { manifest: 0, content: 0, fallback: 0, pageContent: 0, probes: 0 };
  const probeHeaders: Array<Record<string, unknown>> = [];
  const changed = createSignal();
  type Answer = (res: ServerResponse) => void;
  const behaviour: { manifest: Answer; content: Answer; fallback: Answer } = {
    manifest: (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(manifestJson({ version: '1.0.0' })),
    content: (res) => void res.writeHead(200, { 'podlet-version': '1.0.0' }).end('<p>content</p>'),
    fallback: (res) => void res.writeHead(200).end('<p>fallback</p>'),
  };
  const url = await listen(t, (req, res) => {
    const path = req.url === '/manifest.json' ? 'manifest' : req.url === '/fallback' ? 'fallback' : req.url === '/' ? 'content' : null;
    if (!path) return void res.writeHead(404).end();
    seen[path]++;
    if (path === 'content' && req.headers['podmap-user']) seen.pageContent++;
    else if (path === 'content') seen.probes = probeHeaders.push({ ...req.headers });
    changed.notify();
    behaviour[path](res);
  });
  return { manifestUrl: `${url}manifest.json`, seen, behaviour, probeHeaders, changed };
}

/** Wakes up waiters; waitUntil() checks its condition at each wake-up, up to a bound, with no fixed sleep. */
function createSignal() {
  const waiters: Array<() => void> = [];
  return {
    notify: () => waiters.splice(0).forEach((wake) => wake()),
    async waitUntil(check: () => boolean, boundMs: number, what: string): Promise<void> {
      const deadline = Date.now() + boundMs;
      while (!check()) {
        const left = deadline - Date.now();
        if (left <= 0) assert.fail(`${what}: not within ${boundMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
  };
}

const manifestJson = (extra: Record<string, unknown>) => JSON.stringify({ name: 'slow', content: '/', fallback: '/fallback', ...extra });
const hang = () => {}; // never answers: the client's time-out ends the request
/** The headers a page's content request carries (podletContextHeaders), with a signed-in user. */
const asPage = { 'podium-locale': 'nb-NO', 'podium-requested-by': 'test-layout', 'podmap-user': '{"id":"u1"}' };

/** A client whose log is kept, not printed, and closed after the test; `logged` wakes up on each line. */
function client(t: TestContext, manifestUrl: string, options: PodletClientOptions = {}) {
  const logs: PodmapError[] = [];
  const logged = createSignal();
  const podlet = createPodletClient({
    name: 'slow',
    manifestUrl,
    log: (error) => {
      logs.push(error);
      logged.notify();
    },
    ...options,
  });
  t.after(() => podlet.close());
  return { podlet, logs, logged, codes: () => logs.map((e) => e.code) };
}

test('createPodletClient() - a podlet that times out three times - gets its fallback at once with no request from a page, while background probes ask it; the first that succeeds closes the circuit (circuit breaker)', async (t) => {
  const server = await podletServer(t);
  const timeoutMs = 150;
  const { podlet, codes, logged } = client(t, server.manifestUrl, {
    timeoutMs,
    circuitBreaker: { failureThreshold: 3, probeIntervalMs: 50 },
  });
  await podlet.refresh();
  server.behaviour.content = hang;
  for (let i = 0; i < 3; i++) assert.equal((await podlet.content(asPage)).error?.code, 'PODMAP_ERR_CONTENT_TIMEOUT');
  assert.deepEqual(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_OPEN').length, 1, 'the opening is logged once');

  // Open: each of ten pages' content() answers before the event loop's next turn (no network, no
  // timer: checked by order, not by a wall-clock bound a loaded machine could break), and reaches nobody.
  for (let i = 0; i < 10; i++) {
    const nextTurn = new Promise<'waited'>((resolve) => setImmediate(() => resolve('waited')));
    const result = await Promise.race([podlet.content(asPage), nextTurn]);
    assert.notEqual(result, 'waited', 'an open circuit answers at once');
    assert.equal(result !== 'waited' && result.html, '<p>fallback</p>');
    assert.equal(result !== 'waited' && result.error?.code, 'PODMAP_ERR_CIRCUIT_OPEN');
  }

  // Probes go on in the background, one at a time, each ended by the time-out; pages still send nothing.
  await server.changed.waitUntil(() => server.seen.probes >= 3, 5000, 'three probes of the hanging podlet');
  assert.equal((await podlet.content(asPage)).error?.code, 'PODMAP_ERR_CIRCUIT_OPEN');
  assert.equal(server.seen.pageContent, 3, 'no page request while the circuit is open');
  assert.ok(
    server.probeHeaders.every((h) => h['podium-locale'] === 'nb-NO' && h['podmap-user'] === undefined),
    'a probe asks as the last page did, without its signed-in user',
  );

  // The podlet answers again: the next probe closes the circuit, and pages get its content.
  server.behaviour.content = (res) => void res.writeHead(200, { 'podlet-version': '1.0.0' }).end('<p>content</p>');
  await logged.waitUntil(() => codes().includes('PODMAP_ERR_CIRCUIT_CLOSED'), 2000, 'the circuit closes');
  assert.equal(server.seen.pageContent, 3, 'no page request before the probe closed it');
  assert.deepEqual(await podlet.content(asPage), { html: '<p>content</p>', error: undefined });
  assert.equal(server.seen.pageContent, 4);
  assert.equal(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_CLOSED').length, 1);
});

test('createPodletClient() - a podlet that was stopped - opens the circuit after its failures, and pages do not ask it again while it is open', async (t) => {
  const server = await podletServer(t);
  const { podlet, codes } = client(t, server.manifestUrl, { circuitBreaker: { failureThreshold: 3 } });
  await podlet.refresh();
  server.behaviour.content = (res) => void res.socket?.destroy(); // the connection drops, as when the process dies
  for (let i = 0; i < 3; i++) assert.equal((await podlet.content(asPage)).error?.code, 'PODMAP_ERR_CONTENT_FAILED');
  // Each failure reached the podlet; one that met a kept-alive connection was sent once more on a
  // new one (fetchText()), so 3 or 4 requests, depending on whether the connection was still open.
  const asked = server.seen.pageContent;
  assert.ok(asked === 3 || asked === 4, `${asked} content requests for 3 failures`);
  for (let i = 0; i < 10; i++) assert.equal((await podlet.content(asPage)).error?.code, 'PODMAP_ERR_CIRCUIT_OPEN');
  assert.equal(server.seen.pageContent, asked, 'no page request reached the podlet while the circuit was open');
  assert.equal(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_OPEN').length, 1);
});

test('createPodletClient() - a podlet whose podlet-version changes on every response - has its manifest fetched at most once a second, and its pages kept (refetch limit)', async (t) => {
  const server = await podletServer(t);
  let version = 0;
  server.behaviour.content = (res) => void res.writeHead(200, { 'podlet-version': `2.0.${version++}` }).end('<p>content</p>');
  let changes = 0;
  const { podlet, codes } = client(t, server.manifestUrl, { onChange: () => changes++ });
  await podlet.refresh();
  const before = server.seen.manifest;
  const start = Date.now();
  while (Date.now() - start < 2000) await Promise.all([podlet.content(), podlet.content(), podlet.content()]);
  const refetches = server.seen.manifest - before;
  assert.ok(server.seen.content > 100, `${server.seen.content} content requests`);
  assert.ok(refetches >= 1 && refetches <= 3, `${refetches} manifest fetches in 2 s`);
  assert.equal(codes().filter((c) => c === 'PODMAP_ERR_REFETCH_LIMITED').length, 1, 'logged once per burst');
  assert.equal(changes, 1, 'the manifest never changed, so the pages were never dropped after the first load');
});

test('createPodletClient() - a refetch that finds a new release - calls onChange once per real change', async (t) => {
  const server = await podletServer(t);
  let release = '1.0.0';
  server.behaviour.manifest = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(manifestJson({ version: release }));
  server.behaviour.content = (res) => void res.writeHead(200, { 'podlet-version': release }).end('<p>content</p>');
  let changes = 0;
  const { podlet } = client(t, server.manifestUrl, { onChange: () => changes++ });
  await podlet.refresh();
  await podlet.refresh(true);
  assert.equal(changes, 1, 'the same manifest again is no change');
  release = '1.1.0';
  await podlet.content();
  for (let i = 0; i < 50 && podlet.state?.version !== '1.1.0'; i++) await sleep(10);
  assert.equal(podlet.state?.version, '1.1.0');
  assert.equal(changes, 2);
});

test('createPodletClient() - a manifest over 256 KB - is logged as PODMAP_ERR_MANIFEST_TOO_LARGE, not as unreachable', async (t) => {
  const server = await podletServer(t);
  server.behaviour.manifest = (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(manifestJson({ version: '1.0.0', padding: 'x'.repeat(300 * 1024) }));
  const { podlet, codes } = client(t, server.manifestUrl);
  assert.equal(await podlet.refresh(), null);
  assert.deepEqual(codes(), ['PODMAP_ERR_MANIFEST_TOO_LARGE']);
});

test('createPodletClient() - a fallback that times out or answers 500 - is logged as PODMAP_ERR_FALLBACK_FAILED, and the fallback from before stays', async (t) => {
  const server = await podletServer(t);
  const { podlet, codes } = client(t, server.manifestUrl, { timeoutMs: 150 });
  await podlet.refresh();
  assert.equal(podlet.state?.fallbackHtml, '<p>fallback</p>');
  server.behaviour.fallback = hang;
  await podlet.refresh(true);
  server.behaviour.fallback = (res) => void res.writeHead(500).end('<p>oops</p>');
  await podlet.refresh(true);
  assert.deepEqual(codes(), ['PODMAP_ERR_FALLBACK_FAILED', 'PODMAP_ERR_FALLBACK_FAILED']);
  assert.equal(podlet.state?.fallbackHtml, '<p>fallback</p>');
});
