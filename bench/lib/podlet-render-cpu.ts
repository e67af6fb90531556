import autocannon from 'autocannon';
import type { ForkedServer } from '../../layouts/fork-server.ts';
import { processCpuMs } from './process-cpu.ts';
import { spreadOf, type Spread } from './stats.ts';

/** One podlet process in one render mode, as bench:ssr loads it. */
export interface RenderCase {
  podlet: string;
  mode: 'hydrate' | 'client';
  server: ForkedServer;
  /** Podium's context, as the layout sends it with every content request (podlet-context.ts). */
  headers: Record<string, string>;
}

/** One run of `requests` content requests over `connections` connections. */
export interface RenderRun {
  podlet: string;
  mode: string;
  connections: number;
  rep: number;
  /** The process's CPU time (/proc, all threads) over the run, per request. */
  cpuMsPerRequest: number;
  requestsPerSecond: number;
  /** autocannon's latency: mean, median and p99 (its median and p99 are whole ms). */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU per render of the requests that ran alone (cpu-podlet-server.ts), in ms; and how many ran beside another. */
  renderCpuMs: number[];
  overlapped: number;
}

/** The headers a layout sends with a content request for `path` (Podium's context; no user). */
export function contextHeaders(path: string): Record<string, string> {
  return {
    'podium-requested-by': 'bench-ssr',
    'podium-mount-origin': 'http://127.0.0.1',
    'podium-mount-pathname': path,
    'podium-locale': 'en-US',
    'podium-device-type': 'desktop',
  };
}

/** What the podlet's process gathered per render since the last call (cpu-podlet-server.ts), in ms. */
async function takeSamples(server: ForkedServer): Promise<{ samples: number[]; overlapped: number }> {
  const r = (await (await fetch(new URL('__bench/cpu', server.url))).json()) as { samples: number[]; overlapped: number };
  return { samples: r.samples.map((us) => us / 1000), overlapped: r.overlapped };
}

/**
 * `requests` content requests to one podlet over `connections` connections (autocannon): the
 * process's CPU per request, req/s and latency up to the last response, and the CPU of each render
 * that ran alone.
 */
export async function measureRenders(c: RenderCase, connections: number, requests: number, rep: number): Promise<RenderRun> {
  await takeSamples(c.server);
  let answered = 0;
  let [cpu1, t1] = [NaN, NaN];
  const cpu0 = processCpuMs(c.server.pid);
  const t0 = performance.now();
  const run = autocannon({ url: c.server.url, connections, amount: requests, headers: c.headers, sampleInt: 100 });
  run.on('response', () => {
    if (++answered === requests) [cpu1, t1] = [processCpuMs(c.server.pid), performance.now()];
  });
  const r = await run;
  if (answered < requests) [cpu1, t1] = [processCpuMs(c.server.pid), performance.now()];
  const { samples, overlapped } = await takeSamples(c.server);
  return {
    podlet: c.podlet,
    mode: c.mode,
    connections,
    rep,
    cpuMsPerRequest: (cpu1 - cpu0) / answered,
    requestsPerSecond: answered / ((t1 - t0) / 1000),
    meanMs: r.latency.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    renderCpuMs: samples,
    overlapped,
  };
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One podlet, mode and connection count over the repetitions. */
export interface RenderFigures {
  podlet: string;
  mode: string;
  connections: number;
  cpuMsPerRequest: Spread;
  /** Over every render that ran alone, all repetitions pooled: median and p99, in ms, and how many. */
  renderCpu: { median: number; p99: number; n: number };
  requestsPerSecond: Spread;
  meanMs: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  errors: number;
}

/** The runs summarised per podlet, mode and connection count, in the order first seen. */
export function summariseRenders(runs: RenderRun[]): RenderFigures[] {
  const keys = [...new Set(runs.map((r) => `${r.podlet}|${r.mode}|${r.connections}`))];
  return keys.map((key) => {
    const list = runs.filter((r) => `${r.podlet}|${r.mode}|${r.connections}` === key);
    const pooled = list.flatMap((r) => r.renderCpuMs);
    const { podlet, mode, connections } = list[0]!;
    return {
      podlet,
      mode,
      connections,
      cpuMsPerRequest: spreadOf(list.map((r) => r.cpuMsPerRequest)),
      renderCpu: { median: spreadOf(pooled).median, p99: percentile(pooled, 99), n: pooled.length },
      requestsPerSecond: spreadOf(list.map((r) => r.requestsPerSecond)),
      meanMs: spreadOf(list.map((r) => r.meanMs)),
      p50Ms: spreadOf(list.map((r) => r.p50Ms)),
      p99Ms: spreadOf(list.map((r) => r.p99Ms)),
      errors: list.reduce((s, r) => s + r.errors, 0),
    };
  });
}
