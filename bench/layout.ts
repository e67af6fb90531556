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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startDemo, type RunningDemo } from '../layouts/demo.ts';
import { forkServer, type ForkedServer } from './lib/fork-server.ts';
import { canReadProcessCpu, processCpuMs } from './lib/process-cpu.ts';
import { describeMachine, markdownTable, spreadOf, type Spread } from './lib/stats.ts';

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
  const startServer = async (script: string, env: Record<string, string>) => {
    const s = await forkServer(join(root, script), env, log);
    servers.push(s);
    return s;
  };
  const start = async (script: string, env: Record<string, string>) => (await startServer(script, env)).url;
  const manifests = (slow?: string) =>
    Object.fromEntries(podletNames.map((n) => [n, `${n === slowPodlet && slow ? slow : urls[n]}manifest.json`]));
  const podmapEnv = (m: Record<string, string>) => ({
    PODMAP_CDN_URL: urls.cdn!,
    PODMAP_LAYOUT_PORT: '0',
    ...Object.fromEntries(podletNames.map((n) => [`PODMAP_${n.toUpperCase()}_URL`, m[n]!])),
  });
  const podiumEnv = (m: Record<string, string>) => ({ BENCH_PODLETS: JSON.stringify(Object.fromEntries(home.map((n) => [n, m[n]!]))) });

  // podmap's layout as its own child (not the demo's), so its pid is known for the CPU figures.
  const podmapServer = await startServer('layouts/server.ts', podmapEnv(manifests()));
  const podiumServer = await startServer('bench/lib/podium-layout-server.ts', podiumEnv(manifests()));
  const podiumCompressed = await startServer('bench/lib/podium-layout-server.ts', { ...podiumEnv(manifests()), BENCH_COMPRESSION: '1' });
  const layouts = { podmap: podmapServer.url, podium: podiumServer.url };
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

  // CPU per page of the layout process alone, per Accept-Encoding. Podium gets the compression
  // middleware in front when the request asks for an encoding, as a Podium user would add it.
  const cpuCases = cpuEncodings.flatMap((acceptEncoding) => [
    { layout: 'podmap', acceptEncoding, server: podmapServer },
    { layout: 'podium', acceptEncoding, server: acceptEncoding === 'none' ? podiumServer : podiumCompressed },
  ]);
  const cpuRuns: Array<{
    layout: string;
    acceptEncoding: string;
    rep: number;
    cpuMsPerPage: number;
    requestsPerSecond: number;
    errors: number;
  }> = [];
  const wire: Record<string, { encoding: string; bytes: number }> = {};
  const canCpu = cpuReps > 0 && cpuPages > 0 && canReadProcessCpu();
  if (!canCpu) console.error('bench:layout: CPU per page is not measured (BENCH_CPU_REPS=0, or no /proc/<pid>/stat here)');
  for (const c of canCpu ? cpuCases : []) {
    const key = `${c.layout} ${c.acceptEncoding}`;
    const page = await getPage(c.server.url, c.acceptEncoding);
    for (const p of home) if (!page.body.includes(`<podlet-${p}>`)) throw new Error(`bench: ${key} did not compose podlet "${p}"`);
    // podmap's compressed page must decode to the page it sends uncompressed (nonces aside).
    if (c.layout === 'podmap' && c.acceptEncoding !== 'none') {
      const plain = await getPage(c.server.url, 'none');
      if (withoutNonces(page.body) !== withoutNonces(plain.body))
        throw new Error(`bench: ${key}: the decoded page differs from the plain one`);
    }
    wire[key] = { encoding: page.encoding, bytes: page.wireBytes };
    await autocannon({ url: c.server.url, connections, amount: Math.min(cpuPages, 1000), headers: headersFor(c.acceptEncoding) });
  }
  for (let rep = 1; canCpu && rep <= cpuReps; rep++) {
    for (const c of rep % 2 ? cpuCases : [...cpuCases].reverse()) {
      const { cpuMsPerPage, requestsPerSecond, errors } = await cpuPerPage(c.server, c.acceptEncoding);
      cpuRuns.push({
        layout: c.layout,
        acceptEncoding: c.acceptEncoding,
        rep,
        cpuMsPerPage,
        requestsPerSecond,
        errors,
      });
      console.error(
        `bench:layout: CPU ${c.layout} [${c.acceptEncoding}] rep ${rep}: ${cpuMsPerPage.toFixed(3)} ms/page, ${Math.round(requestsPerSecond)} req/s`,
      );
    }
  }
  const cpu = cpuCases
    .filter(() => canCpu)
    .map((c) => {
      const runs = cpuRuns.filter((r) => r.layout === c.layout && r.acceptEncoding === c.acceptEncoding);
      return {
        layout: c.layout,
        acceptEncoding: c.acceptEncoding,
        contentEncoding: wire[`${c.layout} ${c.acceptEncoding}`]!.encoding,
        wireBytes: wire[`${c.layout} ${c.acceptEncoding}`]!.bytes,
        cpuMsPerPage: spreadOf(runs.map((r) => r.cpuMsPerPage)),
        requestsPerSecond: spreadOf(runs.map((r) => r.requestsPerSecond)),
        errors: runs.reduce((s, r) => s + r.errors, 0),
      };
    });
  const cpuRatio = (acceptEncoding: string) => {
    const [a, b] = ['podmap', 'podium'].map((l) => cpu.find((c) => c.layout === l && c.acceptEncoding === acceptEncoding)!);
    return a!.cpuMsPerPage.median / b!.cpuMsPerPage.median;
  };

  // First and last byte with one podlet slow: one request at a time, after three unmeasured ones.
  const slowTimes: Record<string, { firstByteMs: ReturnType<typeof spreadOf>; lastByteMs: ReturnType<typeof spreadOf> }> = {};
  // podmap streams, so its first byte is timed compressed as well (Podium's waits for every podlet).
  const slowCases = [...Object.entries(slowLayouts), ['podmap br', slowLayouts.podmap] as const];
  for (const [layout, url] of slowCases) {
    const acceptEncoding = layout.endsWith(' br') ? 'br, gzip' : 'none';
    for (let i = 0; i < 3; i++) await timeGet(url, acceptEncoding);
    const times = [];
    for (let i = 0; i < samples; i++) times.push(await timeGet(url, acceptEncoding));
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
        spreadText(s.firstByteMs, 1),
        spreadText(s.lastByteMs, 1),
      ]),
    ),
    '',
    `podmap / Podium: ${(p.requestsPerSecond / q.requestsPerSecond).toFixed(2)}× the requests per second, p99 ${p.p99Ms} vs ${q.p99Ms} ms.`,
    `podmap with Accept-Encoding \`br, gzip\`, ${slowPodlet} +${delayMs} ms: first byte ${spreadText(slowTimes['podmap br']!.firstByteMs, 1)} ms, ` +
      `last byte ${spreadText(slowTimes['podmap br']!.lastByteMs, 1)} ms.`,
    '',
    ...(cpu.length === 0
      ? []
      : [
          `CPU time of the layout process alone (user + system, all threads, /proc/<pid>/stat) per page: ${cpuPages} pages per repetition, ` +
            `${connections} connections, ${cpuReps} repetitions alternating between the cases after a warm-up; median (min–max). ` +
            'Podium answers `br, gzip` through the `compression` middleware (its defaults: brotli quality 4).',
          '',
          markdownTable(
            ['layout', 'Accept-Encoding', 'sent as', 'body bytes', 'CPU ms/page', 'req/s', 'podmap/Podium CPU'],
            cpu.map((c) => [
              c.layout === 'podium' ? '@podium/layout 5.4.2' : 'podmap',
              c.acceptEncoding,
              c.contentEncoding,
              String(c.wireBytes),
              spreadText(c.cpuMsPerPage, 3),
              spreadText(c.requestsPerSecond, 0),
              c.layout === 'podmap' ? `${cpuRatio(c.acceptEncoding).toFixed(2)}×` : '',
            ]),
          ),
          '',
          `Errors in the CPU runs: ${cpu.reduce((s, c) => s + c.errors, 0)}.`,
          '',
        ]),
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
    JSON.stringify(
      {
        date,
        machine,
        seconds,
        connections,
        rounds,
        samples,
        delayMs,
        slowPodlet,
        summary,
        load,
        slowPodmapBr: slowTimes['podmap br'],
        cpuPages,
        cpuReps,
        cpu,
        cpuRuns,
      },
      null,
      2,
    ) + '\n',
  );
  await writeFile(join(root, 'bench/results/layout.md'), md);
  console.log(md);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await demo?.stop();
  await rm(work, { recursive: true, force: true });
}

/**
 * `cpuPages` requests over `connections` connections to one server: its CPU time (all threads)
 * per page and the requests per second, both up to the last response (autocannon itself only
 * stops at its next sample tick).
 */
async function cpuPerPage(
  server: ForkedServer,
  acceptEncoding: string,
): Promise<{ cpuMsPerPage: number; requestsPerSecond: number; errors: number }> {
  let answered = 0;
  let [cpu1, t1] = [NaN, NaN];
  const cpu0 = processCpuMs(server.pid);
  const t0 = performance.now();
  const run = autocannon({ url: server.url, connections, amount: cpuPages, headers: headersFor(acceptEncoding), sampleInt: 100 });
  run.on('response', () => {
    if (++answered === cpuPages) [cpu1, t1] = [processCpuMs(server.pid), performance.now()];
  });
  const r = await run;
  if (answered < cpuPages) [cpu1, t1] = [processCpuMs(server.pid), performance.now()];
  return {
    cpuMsPerPage: (cpu1 - cpu0) / answered,
    requestsPerSecond: answered / ((t1 - t0) / 1000),
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

/** "median (min–max)" with `digits` decimals. */
function spreadText(s: Spread, digits: number): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

function headersFor(acceptEncoding: string): Record<string, string> {
  return acceptEncoding === 'none' ? {} : { 'accept-encoding': acceptEncoding };
}

/** The page with a fresh nonce in every response made comparable: each nonce replaced by one placeholder. */
function withoutNonces(html: string): string {
  const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
  return nonce ? html.split(nonce).join('NONCE') : html;
}

/** One GET with `acceptEncoding`: the Content-Encoding it came in, the bytes on the wire and the decoded body. */
function getPage(url: string, acceptEncoding: string): Promise<{ encoding: string; wireBytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 10_000, headers: headersFor(acceptEncoding) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`bench: ${url} answered ${res.statusCode}`));
        const raw = Buffer.concat(chunks);
        const encoding = contentEncodingOf(res.headers);
        const decoded = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
        resolve({ encoding, wireBytes: raw.length, body: decoded.toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`bench: ${url} took over 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

function contentEncodingOf(headers: IncomingHttpHeaders): string {
  return headers['content-encoding'] ?? 'identity';
}

/** One GET on a fresh connection: ms to the first byte of the body (as sent) and to its end, and the body. */
function timeGet(url: string, acceptEncoding = 'none'): Promise<{ firstByteMs: number; lastByteMs: number; body: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    const chunks: Buffer[] = [];
    const req = request(url, { agent: false, timeout: 10_000, headers: headersFor(acceptEncoding) }, (res) => {
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
