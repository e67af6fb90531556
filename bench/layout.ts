/**
 * Benchmark (not a test): podmap's layout server against `@podium/layout`, composing the same
 * five podlets of the demo's home page in the same run (issue 6). Writes bench/results/layout.json
 * and layout.md.
 *
 *   npm run bench:layout     (env: BENCH_SECONDS=10, BENCH_CONNECTIONS=20, BENCH_ROUNDS=2, BENCH_SAMPLES=21)
 *
 * Every server is a process of its own on loopback: the CDN, the six podlets and podmap's layout
 * (the demo launcher, startDemo), a Podium layout (bench/lib/podium-layout-server.ts), and for
 * the slow-podlet case a copy of the image podlet whose content answers 300 ms late, with one more
 * layout of each kind in front of it. autocannon (HTTP/1.1, keep-alive) runs in this process.
 */
import autocannon from 'autocannon';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo, type RunningDemo } from '../layouts/demo.ts';
import { forkServer, type ForkedServer } from './lib/fork-server.ts';
import { describeMachine, markdownTable, spreadOf } from './lib/stats.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const samples = Number(process.env.BENCH_SAMPLES ?? 21);
const delayMs = 300;
const slowPodlet = 'image';
const home = ['header', 'auth', 'geo', 'image', 'footer'];
const podletNames = ['header', 'footer', 'auth', 'geo', 'image', 'search'];

const work = await mkdtemp(join(tmpdir(), 'podmap-bench-layout-'));
const servers: ForkedServer[] = [];
let demo: RunningDemo | undefined;
try {
  const log = (line: string) => {
    if (/error|warn/i.test(line)) console.error(line);
  };
  demo = await startDemo({
    ports: Object.fromEntries(['cdn', 'layout', ...podletNames].map((n) => [n, 0])),
    env: { PODMAP_STORE_DIR: join(work, 'store') },
    log,
  });
  const urls = demo.urls;
  const start = async (script: string, env: Record<string, string>) => {
    const s = await forkServer(join(root, script), env, log);
    servers.push(s);
    return s.url;
  };
  const manifests = (slow?: string) =>
    Object.fromEntries(podletNames.map((n) => [n, `${n === slowPodlet && slow ? slow : urls[n]}manifest.json`]));
  const podmapEnv = (m: Record<string, string>) => ({
    PODMAP_CDN_URL: urls.cdn!,
    PODMAP_LAYOUT_PORT: '0',
    ...Object.fromEntries(podletNames.map((n) => [`PODMAP_${n.toUpperCase()}_URL`, m[n]!])),
  });
  const podiumEnv = (m: Record<string, string>) => ({ BENCH_PODLETS: JSON.stringify(Object.fromEntries(home.map((n) => [n, m[n]!]))) });

  const layouts = {
    podmap: urls.layout!,
    podium: await start('bench/lib/podium-layout-server.ts', podiumEnv(manifests())),
  };
  const slow = await start('bench/lib/delayed-podlet-server.ts', { BENCH_PODLET: slowPodlet, BENCH_DELAY_MS: String(delayMs) });
  const slowLayouts = {
    podmap: await start('layouts/server.ts', podmapEnv(manifests(slow))),
    podium: await start('bench/lib/podium-layout-server.ts', podiumEnv(manifests(slow))),
  };

  // Both pages must hold all five fragments, none of them a fallback, before anything is timed.
  const pageBytes: Record<string, number> = {};
  for (const [name, url] of Object.entries({
    ...layouts,
    ...Object.fromEntries(Object.entries(slowLayouts).map(([k, v]) => [`${k} (slow ${slowPodlet})`, v])),
  })) {
    const { body } = await timeGet(url);
    for (const p of home) if (!body.includes(`<podlet-${p}>`)) throw new Error(`bench: ${name} did not compose podlet "${p}"`);
    if (body.includes('data-fallback')) throw new Error(`bench: ${name} served a fallback`);
    if (!name.includes('slow')) pageBytes[name] = Buffer.byteLength(body);
  }

  // Throughput: a warm-up of a few seconds on each, then alternating rounds of equal length.
  const load: Array<{
    layout: string;
    round: number;
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
    non2xx: number;
  }> = [];
  for (const url of Object.values(layouts)) await autocannon({ url, connections, duration: Math.min(3, seconds) });
  for (let round = 1; round <= rounds; round++) {
    for (const [layout, url] of Object.entries(layouts)) {
      const r = await autocannon({ url, connections, duration: seconds });
      load.push({
        layout,
        round,
        requestsPerSecond: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
      console.error(`bench:layout: ${layout} round ${round}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms`);
    }
  }

  // First and last byte with one podlet slow: one request at a time, after three unmeasured ones.
  const slowTimes: Record<string, { firstByteMs: ReturnType<typeof spreadOf>; lastByteMs: ReturnType<typeof spreadOf> }> = {};
  for (const [layout, url] of Object.entries(slowLayouts)) {
    for (let i = 0; i < 3; i++) await timeGet(url);
    const times = [];
    for (let i = 0; i < samples; i++) times.push(await timeGet(url));
    slowTimes[layout] = { firstByteMs: spreadOf(times.map((t) => t.firstByteMs)), lastByteMs: spreadOf(times.map((t) => t.lastByteMs)) };
  }

  const summary = Object.keys(layouts).map((layout) => {
    const runs = load.filter((l) => l.layout === layout);
    return {
      layout,
      requestsPerSecond: spreadOf(runs.map((r) => r.requestsPerSecond)).median,
      p50Ms: spreadOf(runs.map((r) => r.p50Ms)).median,
      p99Ms: spreadOf(runs.map((r) => r.p99Ms)).median,
      errors: runs.reduce((s, r) => s + r.errors + r.non2xx, 0),
      pageBytes: pageBytes[layout]!,
      ...slowTimes[layout]!,
    };
  });
  const machine = await describeMachine();
  const date = new Date().toISOString();
  const [p, q] = [summary.find((s) => s.layout === 'podmap')!, summary.find((s) => s.layout === 'podium')!];
  const md = [
    '# bench:layout — podmap’s layout against @podium/layout',
    '',
    `${date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · loopback, every server its own process`,
    `Load: autocannon, HTTP/1.1 keep-alive, ${connections} connections, ${seconds} s per round, ${rounds} alternating rounds after a warm-up; medians over rounds. ` +
      `The home page: five podlets (${home.join(', ')}). Slow podlet: ${slowPodlet}'s content ${delayMs} ms late; first/last byte of the body, ` +
      `one request at a time, median (min–max) of ${samples}.`,
    '',
    markdownTable(
      ['layout', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'page KB', `first byte ms, ${slowPodlet} +${delayMs} ms`, 'last byte ms'],
      summary.map((s) => [
        s.layout === 'podium' ? '@podium/layout 5.4.2' : 'podmap',
        s.requestsPerSecond.toFixed(0),
        String(s.p50Ms),
        String(s.p99Ms),
        String(s.errors),
        (s.pageBytes / 1024).toFixed(1),
        `${s.firstByteMs.median.toFixed(1)} (${s.firstByteMs.min.toFixed(1)}–${s.firstByteMs.max.toFixed(1)})`,
        `${s.lastByteMs.median.toFixed(1)} (${s.lastByteMs.min.toFixed(1)}–${s.lastByteMs.max.toFixed(1)})`,
      ]),
    ),
    '',
    `podmap / Podium: ${(p.requestsPerSecond / q.requestsPerSecond).toFixed(2)}× the requests per second, p99 ${p.p99Ms} vs ${q.p99Ms} ms.`,
    '',
    markdownTable(
      ['layout', 'round', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx'],
      load.map((l) => [
        l.layout,
        String(l.round),
        l.requestsPerSecond.toFixed(0),
        String(l.p50Ms),
        String(l.p99Ms),
        String(l.errors),
        String(l.non2xx),
      ]),
    ),
    '',
  ].join('\n');
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(
    join(root, 'bench/results/layout.json'),
    JSON.stringify({ date, machine, seconds, connections, rounds, samples, delayMs, slowPodlet, summary, load }, null, 2) + '\n',
  );
  await writeFile(join(root, 'bench/results/layout.md'), md);
  console.log(md);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await demo?.stop();
  await rm(work, { recursive: true, force: true });
}

/** One GET on a fresh connection: ms to the first byte of the body and to its end, and the body. */
function timeGet(url: string): Promise<{ firstByteMs: number; lastByteMs: number; body: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    const chunks: Buffer[] = [];
    const req = request(url, { agent: false, timeout: 10_000 }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (!first) first = performance.now();
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`bench: ${url} answered ${res.statusCode}`));
        resolve({ firstByteMs: first - t0, lastByteMs: performance.now() - t0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`bench: ${url} took over 10 s`)));
    req.on('error', reject);
    req.end();
  });
}
