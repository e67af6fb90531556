import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test, type TestContext } from 'node:test';
import { createPodletClient, type PodletClientOptions } from '../../runtime/layout/create-podlet-client.ts';
import type { PodmapError } from '../../runtime/shared/errors.ts';
import { listen } from '../helpers/listen.ts';

/**
 * A real podlet server (plain node:http, no podmap.json) whose answers the test changes as it
 * goes; `seen` counts the requests per path, server-side, and `arrived` emits the path of each.
 */
async function podletServer(t: TestContext) {
  const seen = { manifest: 0, content: 0, fallback: 0 };
  const arrived = new EventEmitter<Record<keyof typeof seen, []>>();
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
    arrived.emit(path);
    behaviour[path](res);
  });
  return { manifestUrl: `${url}manifest.json`, seen, behaviour, arrived };
}

const manifestJson = (extra: Record<string, unknown>) => JSON.stringify({ name: 'slow', content: '/', fallback: '/fallback', ...extra });
const hang = () => {}; // never answers: the client's time-out ends the request

/** A client whose log is kept, not printed. */
function client(manifestUrl: string, options: PodletClientOptions = {}) {
  const logs: PodmapError[] = [];
  const podlet = createPodletClient({ name: 'slow', manifestUrl, log: (error) => logs.push(error), ...options });
  return { podlet, logs, codes: () => logs.map((e) => e.code) };
}

test('createPodletClient() - a podlet that times out three times - gets its fallback at once for the cool-down, then one probe (circuit breaker)', async (t) => {
  const server = await podletServer(t);
  const timeoutMs = 150;
  // Time-outs and cool-downs pass on the test's clock: none passes by itself on a loaded machine,
  // and the test waits for none.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  const { podlet, codes } = client(server.manifestUrl, { timeoutMs, circuitBreaker: { failureThreshold: 3, coolDownMs: 300 } });
  assert.ok(await podlet.refresh(), 'the manifest loaded');
  server.behaviour.content = hang;
  /** `calls` content() calls; once one of them is at the podlet (which never answers), its time-out passes. */
  const withOneTimeOut = async (calls: number) => {
    const atPodlet = once(server.arrived, 'content');
    const results = Promise.all(Array.from({ length: calls }, () => podlet.content()));
    assert.ok(await Promise.race([atPodlet.then(() => true), results.then(() => false)]), 'a request reached the podlet');
    t.mock.timers.tick(timeoutMs);
    return results;
  };
  for (let i = 0; i < 3; i++) assert.equal((await withOneTimeOut(1))[0]!.error?.code, 'PODMAP_ERR_CONTENT_TIMEOUT');
  assert.deepEqual(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_OPEN').length, 1, 'the opening is logged once');

  // Open: ten pages' worth of content() are answered while the clock stands still (none waits
  // for a time-out), and reach nobody.
  let answered = 0;
  const open = Array.from({ length: 10 }, () => podlet.content().finally(() => answered++));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, 10, 'answered with no time passing');
  for (const result of await Promise.all(open)) {
    assert.equal(result.html, '<p>fallback</p>');
    assert.equal(result.error?.code, 'PODMAP_ERR_CIRCUIT_OPEN');
  }
  assert.equal(server.seen.content, 3);

  // After the cool-down: of five concurrent calls, one probes (and times out); four get the fallback at once.
  t.mock.timers.tick(320);
  const results = await withOneTimeOut(5);
  assert.equal(server.seen.content, 4, 'exactly one probe reached the podlet');
  assert.deepEqual(results.map((r) => r.error?.code).sort(), [...Array(4).fill('PODMAP_ERR_CIRCUIT_OPEN'), 'PODMAP_ERR_CONTENT_TIMEOUT']);
  assert.equal(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_OPEN').length, 2, 'the failed probe opens it again, for twice as long');

  // The podlet recovers: the next probe (after 600 ms) closes the circuit, and content flows again.
  server.behaviour.content = (res) => void res.writeHead(200, { 'podlet-version': '1.0.0' }).end('<p>content</p>');
  t.mock.timers.tick(320);
  assert.equal((await podlet.content()).error?.code, 'PODMAP_ERR_CIRCUIT_OPEN', 'the cool-down doubled');
  t.mock.timers.tick(320);
  assert.deepEqual(await podlet.content(), { html: '<p>content</p>', error: undefined });
  assert.equal(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_CLOSED').length, 1);
  assert.deepEqual(await podlet.content(), { html: '<p>content</p>', error: undefined });
  assert.equal(server.seen.content, 6);
});

test('createPodletClient() - a podlet that was stopped - opens the circuit after its failures and is not asked again during the cool-down', async (t) => {
  const server = await podletServer(t);
  const { podlet, codes } = client(server.manifestUrl, { circuitBreaker: { failureThreshold: 3, coolDownMs: 60_000 } });
  await podlet.refresh();
  server.behaviour.content = (res) => void res.socket?.destroy(); // the connection drops, as when the process dies
  for (let i = 0; i < 3; i++) assert.equal((await podlet.content()).error?.code, 'PODMAP_ERR_CONTENT_FAILED');
  for (let i = 0; i < 10; i++) assert.equal((await podlet.content()).error?.code, 'PODMAP_ERR_CIRCUIT_OPEN');
  assert.equal(server.seen.content, 3);
  assert.equal(codes().filter((c) => c === 'PODMAP_ERR_CIRCUIT_OPEN').length, 1);
});

test('createPodletClient() - a podlet whose podlet-version changes on every response - has its manifest fetched at most once a second, and its pages kept (refetch limit)', async (t) => {
  const server = await podletServer(t);
  let version = 0;
  server.behaviour.content = (res) => void res.writeHead(200, { 'podlet-version': `2.0.${version++}` }).end('<p>content</p>');
  let changes = 0;
  // Two seconds on the test's clock, 20 ms a round: the limiter's window is timed by it, not by
  // how fast a loaded machine gets through the requests.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  const { podlet, codes } = client(server.manifestUrl, { onChange: () => changes++ });
  assert.ok(await podlet.refresh(), 'the manifest loaded');
  const before = server.seen.manifest;
  for (let elapsed = 0; elapsed < 2000; elapsed += 20) {
    await Promise.all([podlet.content(), podlet.content(), podlet.content()]);
    t.mock.timers.tick(20);
  }
  const refetches = server.seen.manifest - before;
  assert.equal(server.seen.content, 300);
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
  const changed = new EventEmitter<{ change: [] }>();
  const { podlet } = client(server.manifestUrl, {
    onChange: () => {
      changes++;
      changed.emit('change');
    },
  });
  await podlet.refresh();
  await podlet.refresh(true);
  assert.equal(changes, 1, 'the same manifest again is no change');
  release = '1.1.0';
  // The content response names 1.1.0: the client fetches the manifest again on its own.
  const refetched = once(changed, 'change');
  await podlet.content();
  await refetched;
  assert.equal(podlet.state?.version, '1.1.0');
  assert.equal(changes, 2);
});

test('createPodletClient() - a manifest over 256 KB - is logged as PODMAP_ERR_MANIFEST_TOO_LARGE, not as unreachable', async (t) => {
  const server = await podletServer(t);
  server.behaviour.manifest = (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(manifestJson({ version: '1.0.0', padding: 'x'.repeat(300 * 1024) }));
  const { podlet, codes } = client(server.manifestUrl);
  assert.equal(await podlet.refresh(), null);
  assert.deepEqual(codes(), ['PODMAP_ERR_MANIFEST_TOO_LARGE']);
});

test('createPodletClient() - a fallback that times out or answers 500 - is logged as PODMAP_ERR_FALLBACK_FAILED, and the fallback from before stays', async (t) => {
  const server = await podletServer(t);
  // The time-out passes on the test's clock, once the fallback request is at the podlet.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  const { podlet, codes } = client(server.manifestUrl, { timeoutMs: 150 });
  await podlet.refresh();
  assert.equal(podlet.state?.fallbackHtml, '<p>fallback</p>');
  server.behaviour.fallback = hang;
  const atPodlet = once(server.arrived, 'fallback');
  const refreshed = podlet.refresh(true);
  assert.ok(await Promise.race([atPodlet.then(() => true), refreshed.then(() => false)]), 'the fallback request reached the podlet');
  t.mock.timers.tick(150);
  await refreshed;
  server.behaviour.fallback = (res) => void res.writeHead(500).end('<p>oops</p>');
  await podlet.refresh(true);
  assert.deepEqual(codes(), ['PODMAP_ERR_FALLBACK_FAILED', 'PODMAP_ERR_FALLBACK_FAILED']);
  assert.equal(podlet.state?.fallbackHtml, '<p>fallback</p>');
});
