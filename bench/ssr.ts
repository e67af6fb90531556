/**
 * Benchmark (not a test): what rendering podlets on the server costs the servers (issue 19).
 * Writes bench/results/ssr.json and ssr.md.
 *
 *   npm run bench:ssr     (env: BENCH_SSR_PODLETS=header,search, BENCH_SSR_REQUESTS=2000, BENCH_SSR_REPS=3,
 *                          BENCH_CPU_PAGES=1500, BENCH_CPU_REPS=3, BENCH_CONNECTIONS=20)
 *
 * 1. A podlet's server, rendering: each podlet of BENCH_SSR_PODLETS as a process of its own
 *    (bench/lib/cpu-podlet-server.ts), once in 'hydrate' mode (the demo's) and once in 'client'
 *    (PODMAP_DEMO_RENDER=client, an element its modules render), loaded with autocannon
 *    (HTTP/1.1, keep-alive) on its content with the headers a layout sends, at 1 and at
 *    BENCH_CONNECTIONS connections, the modes alternating per repetition. Per request: the process's
 *    CPU time (/proc, all threads), req/s and latency; at 1 connection also the CPU of each render
 *    measured in the process (process.cpuUsage() from request to response end, only requests that
 *    ran alone), whose median and p99 are the cost of one render.
 * 2. The layout's CPU per page (bench/lib/layout-cpu.ts, as bench:layout measures it): the demo
 *    twice, every process its own, its podlets in 'client' mode in one and in the demo's modes in the
 *    other, a podmap layout process in front of each, home loaded without Accept-Encoding and with
 *    `br, gzip`. The layout streams what its podlets send, so server-rendered fragments should cost
 *    it no more than the bytes they add.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPages, demoPodletNames, freeDemoPorts, manifestUrlVariable } from '../layouts/demo-wiring.ts';
import { startDemo, type RunningDemo } from '../layouts/demo.ts';
import { forkServer, type ForkedServer } from '../layouts/fork-server.ts';
import { measureCpu } from './lib/layout-cpu.ts';
import { contextHeaders, measureRenders, summariseRenders, type RenderCase, type RenderRun } from './lib/podlet-render-cpu.ts';
import { renderSsrMarkdown } from './lib/ssr-markdown.ts';
import { describeMachine } from './lib/stats.ts';
import { writeResults } from './lib/write-results.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const podlets = (process.env.BENCH_SSR_PODLETS ?? 'header,search').split(',');
const requests = Number(process.env.BENCH_SSR_REQUESTS ?? 2000);
const reps = Number(process.env.BENCH_SSR_REPS ?? 3);
const cpuPages = Number(process.env.BENCH_CPU_PAGES ?? 1500);
const cpuReps = Number(process.env.BENCH_CPU_REPS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const home = demoPages['/'].podlets;
const started = Date.now();
const log = (line: string) => console.error(`bench:ssr: ${line} (${Math.round((Date.now() - started) / 1000)} s)`);
const childLog = (line: string) => {
  if (/error|warn/i.test(line)) console.error(line);
};

const work = await mkdtemp(join(tmpdir(), 'podmap-bench-ssr-'));
const servers: ForkedServer[] = [];
const demos: RunningDemo[] = [];
try {
  const startServer = async (script: string, env: Record<string, string>) => {
    const server = await forkServer(join(root, script), { env, log: childLog, timeoutMs: 30_000 });
    servers.push(server);
    return server;
  };
  const cases: RenderCase[] = [];
  for (const podlet of podlets) {
    for (const mode of ['hydrate', 'client'] as const) {
      const server = await startServer('bench/lib/cpu-podlet-server.ts', {
        BENCH_PODLET: podlet,
        PODMAP_DEMO_RENDER: mode === 'client' ? 'client' : '',
      });
      const path = podlet === 'search' ? '/search' : '/';
      cases.push({ podlet, mode, server, headers: contextHeaders(path) });
    }
  }
  const fragmentBytes = await checkFragments(cases);
  const runs: RenderRun[] = [];
  for (const c of cases) await measureRenders(c, connections, Math.min(requests, 1000), 0); // warm-up
  for (let rep = 1; rep <= reps; rep++) {
    for (const c of rep % 2 ? cases : [...cases].reverse()) {
      for (const n of [1, connections]) {
        const run = await measureRenders(c, n, n === 1 ? requests : requests * 2, rep);
        runs.push(run);
        log(
          `${c.podlet} ${c.mode} ×${n} rep ${rep}: ${run.cpuMsPerRequest.toFixed(3)} ms CPU/request, ${Math.round(run.requestsPerSecond)} req/s`,
        );
      }
    }
  }
  await Promise.all(servers.splice(0).map((s) => s.stop()));

  const layouts: Record<string, ForkedServer> = {};
  for (const render of ['client', 'ssr'] as const) {
    const env = { PODMAP_STORE_DIR: join(work, 'store'), PODMAP_DEMO_RENDER: render === 'client' ? 'client' : '' };
    const demo = await startDemo({ ports: freeDemoPorts(), env, log: childLog });
    demos.push(demo);
    const manifests = Object.fromEntries(demoPodletNames.map((n) => [manifestUrlVariable(n), `${demo.urls[n]}manifest.json`]));
    layouts[render] = await startServer('layouts/server.ts', { PODMAP_CDN_URL: demo.urls.cdn, PODMAP_LAYOUT_PORT: '0', ...manifests });
  }
  const layoutCases = ['none', 'br, gzip'].flatMap((acceptEncoding) =>
    Object.entries(layouts).map(([render, server]) => ({ layout: `${render} podlets`, acceptEncoding, server })),
  );
  const { cpu, cpuRuns } = await measureCpu(layoutCases, { pages: cpuPages, reps: cpuReps, connections, podlets: home });

  const date = new Date().toISOString();
  const machine = await describeMachine();
  const renders = summariseRenders(runs);
  const meta = {
    date,
    machine,
    podlets,
    requests,
    reps,
    connections,
    cpuPages,
    cpuReps,
    durationS: Math.round((Date.now() - started) / 1000),
  };
  const md = renderSsrMarkdown(meta, { renders, fragmentBytes, layoutCpu: cpu });
  await writeResults(
    'ssr',
    {
      ...meta,
      fragmentBytes,
      renders,
      layoutCpu: cpu,
      runs: runs.map(({ renderCpuMs, ...r }) => ({ ...r, renders: renderCpuMs.length })),
      cpuRuns,
    },
    md,
  );
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(demos.map((d) => d.stop()));
  await rm(work, { recursive: true, force: true });
}

/** Each case's fragment must be what its mode says (declarative shadow DOM for 'hydrate', none for 'client'); returns their sizes. */
async function checkFragments(cases: RenderCase[]): Promise<Record<string, number>> {
  const bytes: Record<string, number> = {};
  for (const c of cases) {
    const manifest = (await (await fetch(new URL('podmap.json', c.server.url))).json()) as { render?: string };
    const body = await (await fetch(c.server.url, { headers: c.headers })).text();
    const serverRendered = /<template shadowroot(mode)?="open"/.test(body);
    if ((manifest.render ?? 'client') !== c.mode || serverRendered !== (c.mode === 'hydrate'))
      throw new Error(
        `bench: ${c.podlet} should render '${c.mode}', but its podmap.json says ${manifest.render} and its fragment ${serverRendered ? 'is' : 'is not'} server-rendered`,
      );
    bytes[`${c.podlet} ${c.mode}`] = Buffer.byteLength(body);
  }
  return bytes;
}
