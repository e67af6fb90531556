/**
 * Benchmark (not a test): podmap's layout server against `@podium/layout`, composing the same
 * five podlets of the demo's home page in the same run (issue 6). Writes bench/results/layout.json
 * and layout.md.
 *
 *   npm run bench:layout     (env: BENCH_SECONDS=10, BENCH_CONNECTIONS=20, BENCH_ROUNDS=2, BENCH_SAMPLES=21,
 *                             BENCH_CPU_PAGES=3000, BENCH_CPU_REPS=5, BENCH_CPU_ENCODINGS="none|br, gzip")
 *
 * Every server is a process of its own on loopback: the CDN and the six podlets (the demo
 * launcher, startDemo), podmap's layout (layouts/server.ts), a Podium layout
 * (bench/lib/podium-layout-server.ts) and a second one behind the `compression` middleware, and
 * for the slow-podlet case a copy of the image podlet whose content answers 300 ms late, with one
 * more layout of each kind in front of it. autocannon (HTTP/1.1, keep-alive) runs in this process.
 *
 * Besides req/s, it reports the layout process's own CPU time per page (user + system, all its
 * threads, from /proc/<pid>/stat over BENCH_CPU_PAGES requests), without Accept-Encoding and with
 * `br, gzip` as browsers send it: on 2 shared cores req/s mostly measures the podlets.
 */
import autocannon from 'autocannon';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPages, demoPodletNames, freeDemoPorts, manifestUrlVariable } from '../layouts/demo-wiring.ts';
import { startDemo, type RunningDemo } from '../layouts/demo.ts';
import { forkServer, type ForkedServer } from '../layouts/fork-server.ts';
import { composes, measureCpu, timedGet } from './lib/layout-cpu.ts';
import { renderLayoutMarkdown, type LayoutSummary, type LoadRound } from './lib/layout-markdown.ts';
import { describeMachine, spreadOf, type Spread } from './lib/stats.ts';
import { writeResults } from './lib/write-results.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const samples = Number(process.env.BENCH_SAMPLES ?? 21);
const cpuPages = Number(process.env.BENCH_CPU_PAGES ?? 3000);
const cpuReps = Number(process.env.BENCH_CPU_REPS ?? 5);
// Accept-Encoding values for the CPU cases, '|'-separated; "none" sends no header.
const cpuEncodings = (process.env.BENCH_CPU_ENCODINGS ?? 'none|br, gzip').split('|').map((e) => e.trim());
const delayMs = 300;
const slowPodlet = 'image';
const home = demoPages['/'].podlets;
const log = (line: string) => {
  if (/error|warn/i.test(line)) console.error(line);
};

const work = await mkdtemp(join(tmpdir(), 'podmap-bench-layout-'));
const servers: ForkedServer[] = [];
let demo: RunningDemo | undefined;
try {
  demo = await startDemo({ ports: freeDemoPorts(), env: { PODMAP_STORE_DIR: join(work, 'store') }, log });
  const urls = demo.urls;
  const startServer = async (script: string, env: Record<string, string>) => {
    const server = await forkServer(join(root, script), { env, log, timeoutMs: 20_000 });
    servers.push(server);
    return server;
  };
  const manifests = (slow?: string) =>
    Object.fromEntries(demoPodletNames.map((n) => [n, `${n === slowPodlet && slow ? slow : urls[n]}manifest.json`]));
  const podmapEnv = (m: Record<string, string>) => ({
    PODMAP_CDN_URL: urls.cdn,
    PODMAP_LAYOUT_PORT: '0',
    ...Object.fromEntries(demoPodletNames.map((n) => [manifestUrlVariable(n), m[n]!])),
  });
  const podiumEnv = (m: Record<string, string>) => ({ BENCH_PODLETS: JSON.stringify(Object.fromEntries(home.map((n) => [n, m[n]!]))) });

  // podmap's layout as its own child (not the demo's), so its pid is known for the CPU figures.
  const podmapServer = await startServer('layouts/server.ts', podmapEnv(manifests()));
  const podiumServer = await startServer('bench/lib/podium-layout-server.ts', podiumEnv(manifests()));
  const podiumCompressed = await startServer('bench/lib/podium-layout-server.ts', { ...podiumEnv(manifests()), BENCH_COMPRESSION: '1' });
  const layouts = { podmap: podmapServer.url, podium: podiumServer.url };
  const slow = (await startServer('bench/lib/delayed-podlet-server.ts', { BENCH_PODLET: slowPodlet, BENCH_DELAY_MS: String(delayMs) })).url;
  const slowLayouts = {
    podmap: (await startServer('layouts/server.ts', podmapEnv(manifests(slow)))).url,
    podium: (await startServer('bench/lib/podium-layout-server.ts', podiumEnv(manifests(slow)))).url,
  };

  const pageBytes = await checkPages(layouts, slowLayouts);
  const load = await measureThroughput(layouts);
  // CPU per page of the layout process alone, per Accept-Encoding. Podium gets the compression
  // middleware in front when the request asks for an encoding, as a Podium user would add it.
  const cpuCases = cpuEncodings.flatMap((acceptEncoding) => [
    { layout: 'podmap', acceptEncoding, server: podmapServer },
    { layout: 'podium', acceptEncoding, server: acceptEncoding === 'none' ? podiumServer : podiumCompressed },
  ]);
  const { cpu, cpuRuns } = await measureCpu(cpuCases, { pages: cpuPages, reps: cpuReps, connections, podlets: home });
  const slowTimes = await measureSlowPodlet(slowLayouts);

  const summary: LayoutSummary[] = Object.keys(layouts).map((layout) => {
    const runs = load.filter((l) => l.layout === layout);
    const median = (pick: (r: LoadRound) => number) => spreadOf(runs.map(pick)).median;
    const errors = runs.reduce((s, r) => s + r.errors + r.non2xx, 0);
    const [requestsPerSecond, p50Ms, p99Ms] = [median((r) => r.requestsPerSecond), median((r) => r.p50Ms), median((r) => r.p99Ms)];
    return { layout, requestsPerSecond, p50Ms, p99Ms, errors, pageBytes: pageBytes[layout]!, ...slowTimes[layout]! };
  });
  const machine = await describeMachine();
  const date = new Date().toISOString();
  const slowPodmapBr = slowTimes['podmap br']!;
  const run = { date, machine, connections, seconds, rounds, samples, home, slowPodlet, delayMs, cpuPages, cpuReps };
  const md = renderLayoutMarkdown(run, { summary, slowPodmapBr, cpu, load });
  const json = { date, machine, seconds, connections, rounds, samples, delayMs, slowPodlet, summary, load, slowPodmapBr };
  await writeResults('layout', { ...json, cpuPages, cpuReps, cpu, cpuRuns }, md);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await demo?.stop();
  await rm(work, { recursive: true, force: true });
}

/** Every page must hold all five fragments, none of them a fallback, before anything is timed; returns the plain pages' sizes. */
async function checkPages(layouts: Record<string, string>, slowLayouts: Record<string, string>): Promise<Record<string, number>> {
  const pageBytes: Record<string, number> = {};
  const slowNamed = Object.entries(slowLayouts).map(([k, v]) => [`${k} (slow ${slowPodlet})`, v]);
  for (const [name, url] of [...Object.entries(layouts), ...slowNamed]) {
    const { body } = await timedGet(url!);
    for (const p of home) if (!composes(body, p)) throw new Error(`bench: ${name} did not compose podlet "${p}"`);
    if (body.includes('data-fallback')) throw new Error(`bench: ${name} served a fallback`);
    if (!name!.includes('slow')) pageBytes[name!] = Buffer.byteLength(body);
  }
  return pageBytes;
}

/** Throughput: a warm-up of a few seconds on each, then alternating rounds of equal length. */
async function measureThroughput(layouts: Record<string, string>): Promise<LoadRound[]> {
  const load: LoadRound[] = [];
  for (const url of Object.values(layouts)) await autocannon({ url, connections, duration: Math.min(3, seconds) });
  for (let round = 1; round <= rounds; round++) {
    for (const [layout, url] of Object.entries(layouts)) {
      const r = await autocannon({ url, connections, duration: seconds });
      const { p50, p99 } = r.latency;
      load.push({
        layout,
        round,
        requestsPerSecond: r.requests.average,
        p50Ms: p50,
        p99Ms: p99,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
      console.error(`bench:layout: ${layout} round ${round}: ${Math.round(r.requests.average)} req/s, p99 ${p99} ms`);
    }
  }
  return load;
}

/**
 * First and last byte with one podlet slow: one request at a time, after three unmeasured ones.
 * podmap streams, so its first byte is timed compressed as well (Podium's waits for every podlet).
 */
async function measureSlowPodlet(slowLayouts: { podmap: string; podium: string }) {
  const slowTimes: Record<string, { firstByteMs: Spread; lastByteMs: Spread }> = {};
  for (const [layout, url] of [...Object.entries(slowLayouts), ['podmap br', slowLayouts.podmap] as const]) {
    const acceptEncoding = layout.endsWith(' br') ? 'br, gzip' : 'none';
    for (let i = 0; i < 3; i++) await timedGet(url, acceptEncoding);
    const times = [];
    for (let i = 0; i < samples; i++) times.push(await timedGet(url, acceptEncoding));
    slowTimes[layout] = { firstByteMs: spreadOf(times.map((t) => t.firstByteMs)), lastByteMs: spreadOf(times.map((t) => t.lastByteMs)) };
  }
  return slowTimes;
}
