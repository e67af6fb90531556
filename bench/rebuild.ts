/**
 * Benchmark (not a test): how long the layout takes to rebuild one page's assets (import map,
 * preloads, integrity) for pages of 6, 30 and 100 podlets, how long that work blocks the event
 * loop, and what it does to the latency of page requests served meanwhile. Writes
 * bench/results/rebuild.json and rebuild.md.
 *
 *   npm run bench:rebuild   (env: BENCH_SIZES=6,30,100, BENCH_REBUILDS=9, BENCH_LOAD_SECONDS=4,
 *                            BENCH_CONCURRENCY=4, BENCH_TTL_MS=50, BENCH_LABEL=after,
 *                            BENCH_BEFORE=<a rebuild.json of the old code, shown beside this run>,
 *                            BENCH_FIXTURE_FROM=<a tree whose CDN and podlets to run, default this one>)
 *
 * A child process (this file with --serve) holds a real CDN on a temp store, into which the
 * installed lit 3, lit 2 (the geo podlet's), zod, fast-check and es-module-shims are published,
 * and 100 synthetic podlets: real HTTP servers on port 0 serving manifest.json, podmap.json,
 * content and fallback. Their needs mix lit 3 and lit 2 (every fifth podlet lags behind, so the
 * map has scopes), zod, fast-check (a graph of some 300 modules) and each other's exposed modules.
 * The layout runs in this process, so the event loop it blocks is the one measured:
 *
 * - rebuild: a page composer over the page's podlets; after a warm-up, `refresh()` (manifests
 *   fetched again, every page's assets dropped) and then the page's assets are built and timed.
 *   The CDN client's caches stay warm, as they are for a rebuild after a podlet's deploy.
 * - longest block: the longest stretch between two ticks of a 1 ms timer during each rebuild, by
 *   the wall clock and counting only this process's CPU time (watchBlocks).
 * - page latency: BENCH_CONCURRENCY clients request the page for BENCH_LOAD_SECONDS from a layout
 *   whose assets stay fresh, then from one with `assetsTtlMs` of BENCH_TTL_MS, so the page's
 *   assets are rebuilt over and over (3 sizes × 2 × 4 s: under 30 s of load in all).
 *
 * To compare with the old code: check it out in a worktree, run this file there with
 * BENCH_FIXTURE_FROM pointing here (both layouts then face the same CDN code), then run it here
 * with BENCH_BEFORE pointing at the worktree's bench/results/rebuild.json.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLayout } from '../runtime/layout/create-layout.ts';
import { createPageComposer } from '../runtime/layout/assets/create-page-composer.ts';
import { serveFixture, startFixture } from './lib/rebuild-fixture.ts';
import { reportRebuilds, type LoadResult, type SizeResult } from './lib/rebuild-report.ts';
import { spreadOf } from './lib/stats.ts';
import { watchBlocks, type Block } from './lib/watch-blocks.ts';

const sizes = (process.env.BENCH_SIZES ?? '6,30,100').split(',').map(Number);
const rebuilds = Number(process.env.BENCH_REBUILDS ?? 9);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 4);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ttlMs = Number(process.env.BENCH_TTL_MS ?? 50);
const label = process.env.BENCH_LABEL ?? 'this tree';

const importMap = { imports: { lit: './npm/lit@3/index.js' } };

// The fixture's child process runs this file with --serve (bench/lib/rebuild-fixture.ts).
if (process.argv.includes('--serve')) await serveFixture();
else await main();

/** Each page size: its rebuilds, then page requests without and with rebuilds all the time. */
async function main(): Promise<void> {
  const fixture = await startFixture(Math.max(...sizes));
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const podlets = Object.fromEntries(Object.entries(fixture.podlets).slice(0, size));
      const rebuilt = await measureRebuilds(fixture.cdn, podlets);
      const quiet = await measureLoad(fixture.cdn, podlets, 3_600_000);
      results.push({ podlets: size, ...rebuilt, load: await measureLoad(fixture.cdn, podlets, ttlMs), quiet });
      const r = results.at(-1)!;
      console.error(
        `bench:rebuild: ${size} podlets: rebuild ${r.rebuildMs.median.toFixed(1)} ms, block ${r.longestBlockMs.max.toFixed(1)} ms ` +
          `(CPU-bound ${r.longestCpuBlockMs.max.toFixed(1)} ms), ` +
          `page p99 ${r.load.p99Ms.toFixed(1)} ms, map ${(r.mapBytes / 1024).toFixed(1)} KB`,
      );
    }
  } finally {
    fixture.stop();
  }
  await reportRebuilds({ label, sizes, rebuilds, loadSeconds, concurrency, ttlMs }, results);
}

/** Rebuilds of one page's assets through a page composer, each timed and watched for event-loop blocks. */
async function measureRebuilds(cdnUrl: string, podlets: Record<string, string>) {
  const names = Object.keys(podlets);
  const composer = createPageComposer({ cdnUrl, importMap, podlets, assetsTtlMs: 3_600_000, timeoutMs: 5000 });
  await composer.ensureManifests();
  const t0 = performance.now();
  let assets = await composer.assetsFor(names);
  const coldBuildMs = performance.now() - t0;
  for (let i = 0; i < 2; i++) {
    await composer.refresh();
    assets = await composer.assetsFor(names);
  }
  const times: number[] = [];
  const blocks: Block[] = [];
  for (let i = 0; i < rebuilds; i++) {
    await composer.refresh();
    const watch = await watchBlocks();
    const start = performance.now();
    assets = await composer.assetsFor(names);
    times.push(performance.now() - start);
    blocks.push(await watch.stop());
  }
  const mapJson = JSON.stringify(assets.map);
  return {
    coldBuildMs,
    rebuildMs: spreadOf(times),
    longestBlockMs: spreadOf(blocks.map((b) => b.wallMs)),
    longestCpuBlockMs: spreadOf(blocks.map((b) => b.cpuBoundMs)),
    mapBytes: Buffer.byteLength(mapJson),
    mapScopes: Object.keys(assets.map.scopes ?? {}).length,
    preloads: assets.preloads.length,
    fallbacks: assets.fallbackOnly.size,
  };
}

/** Page requests with `concurrency` clients while a tiny assetsTtlMs keeps the page's assets rebuilding. */
async function measureLoad(cdnUrl: string, podlets: Record<string, string>, assetsTtlMs: number): Promise<LoadResult> {
  const layout = createLayout({
    cdnUrl,
    importMap,
    podlets,
    pages: { '/': { title: 'bench', podlets: Object.keys(podlets) } },
    assetsTtlMs,
    timeoutMs: 5000,
  });
  const server = createServer(layout.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  try {
    for (let i = 0; i < 3; i++) await get(url, agent); // the first page waits for manifests and the first build
    const watch = await watchBlocks();
    const end = performance.now() + loadSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const start = performance.now();
          try {
            await get(url, agent);
            latencies.push(performance.now() - start);
          } catch {
            errors++;
          }
        }
      }),
    );
    const longestBlock = await watch.stop();
    const sorted = latencies.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return {
      requests: sorted.length,
      errors,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted.at(-1) ?? NaN,
      longestBlock,
    };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Let a rebuild the last request started finish before the next size is measured.
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 500));
  }
}

/** One GET through `agent`; anything but a 200 fails. */
function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: 20_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`bench: ${url} answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`bench: ${url} took over 20 s`)));
    req.on('error', reject);
    req.end();
  });
}
