import autocannon from 'autocannon';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { ForkedServer } from '../../layouts/fork-server.ts';
import { getPage } from '../../test/helpers/page-load.ts';
import { canReadProcessCpu, processCpuMs } from './process-cpu.ts';
import { spreadOf, type Spread } from './stats.ts';

/** One layout process under one Accept-Encoding ("none" sends no header). */
export interface CpuCase {
  layout: string;
  acceptEncoding: string;
  server: ForkedServer;
}

/** A case's CPU time per page over the repetitions, and what its page weighed on the wire. */
export interface CpuFigures {
  layout: string;
  acceptEncoding: string;
  contentEncoding: string;
  wireBytes: number;
  cpuMsPerPage: Spread;
  requestsPerSecond: Spread;
  errors: number;
}

export type CpuRun = {
  layout: string;
  acceptEncoding: string;
  rep: number;
  cpuMsPerPage: number;
  requestsPerSecond: number;
  errors: number;
};

/** The request headers for `acceptEncoding` ("none": none). */
export function headersFor(acceptEncoding: string): Record<string, string> {
  return acceptEncoding === 'none' ? {} : { 'accept-encoding': acceptEncoding };
}

/** One GET on a fresh connection (200 or it throws): the body as received, with its timings. */
export async function timedGet(url: string, acceptEncoding = 'none') {
  const page = await getPage(url, { headers: headersFor(acceptEncoding), freshConnection: true, timeoutMs: 10_000 });
  if (page.status !== 200) throw new Error(`bench: ${url} answered ${page.status}`);
  return page;
}

/** One GET with `acceptEncoding`: the Content-Encoding it came in, the bytes on the wire and the decoded body. */
async function decodedGet(url: string, acceptEncoding: string): Promise<{ encoding: string; wireBytes: number; body: string }> {
  const page = await timedGet(url, acceptEncoding);
  const encoding = page.headers['content-encoding'] ?? 'identity';
  const decoded = encoding === 'br' ? brotliDecompressSync(page.bytes) : encoding === 'gzip' ? gunzipSync(page.bytes) : page.bytes;
  return { encoding, wireBytes: page.bytes.length, body: decoded.toString('utf8') };
}

/** Whether `html` holds podlet `name`'s element: `<podlet-name>`, or with attributes (a server-rendered podlet's, `<podlet-header path="/">`). */
export function composes(html: string, name: string): boolean {
  return new RegExp(`<podlet-${name}[\\s>]`).test(html);
}

/** The page with a fresh nonce in every response made comparable: each nonce replaced by one placeholder. */
function withoutNonces(html: string): string {
  const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
  return nonce ? html.split(nonce).join('NONCE') : html;
}

/**
 * CPU per page of each layout process alone, per Accept-Encoding: each case's page checked (every
 * podlet of `podlets` composed; podmap's compressed page decodes to its plain one) and warmed up,
 * then `reps` repetitions of `pages` requests, the cases alternating in order and reverse.
 */
export async function measureCpu(
  cases: CpuCase[],
  options: { pages: number; reps: number; connections: number; podlets: readonly string[] },
): Promise<{ cpu: CpuFigures[]; cpuRuns: CpuRun[] }> {
  if (options.reps <= 0 || options.pages <= 0 || !canReadProcessCpu()) {
    console.error('bench:layout: CPU per page is not measured (BENCH_CPU_REPS=0, or no /proc/<pid>/stat here)');
    return { cpu: [], cpuRuns: [] };
  }
  const wire: Record<string, { encoding: string; bytes: number }> = {};
  for (const c of cases) {
    const key = `${c.layout} ${c.acceptEncoding}`;
    const page = await decodedGet(c.server.url, c.acceptEncoding);
    for (const p of options.podlets) if (!composes(page.body, p)) throw new Error(`bench: ${key} did not compose podlet "${p}"`);
    if (c.layout === 'podmap' && c.acceptEncoding !== 'none') {
      const plain = await decodedGet(c.server.url, 'none');
      if (withoutNonces(page.body) !== withoutNonces(plain.body))
        throw new Error(`bench: ${key}: the decoded page differs from the plain one`);
    }
    const headers = headersFor(c.acceptEncoding);
    await autocannon({ url: c.server.url, connections: options.connections, amount: Math.min(options.pages, 1000), headers });
    // Weighed after the warm-up, as a page served all day is; a podmap layout's first response
    // weighs the same (runtime/layout/render/create-compressed-body.ts keeps no state between responses).
    const warm = await decodedGet(c.server.url, c.acceptEncoding);
    wire[key] = { encoding: warm.encoding, bytes: warm.wireBytes };
  }
  const cpuRuns: CpuRun[] = [];
  for (let rep = 1; rep <= options.reps; rep++) {
    for (const c of rep % 2 ? cases : [...cases].reverse()) {
      const run = await cpuPerPage(c.server, c.acceptEncoding, options);
      cpuRuns.push({ layout: c.layout, acceptEncoding: c.acceptEncoding, rep, ...run });
      console.error(
        `bench:layout: CPU ${c.layout} [${c.acceptEncoding}] rep ${rep}: ${run.cpuMsPerPage.toFixed(3)} ms/page, ${Math.round(run.requestsPerSecond)} req/s`,
      );
    }
  }
  const cpu = cases.map((c) => {
    const runs = cpuRuns.filter((r) => r.layout === c.layout && r.acceptEncoding === c.acceptEncoding);
    const { encoding, bytes } = wire[`${c.layout} ${c.acceptEncoding}`]!;
    const [cpuMsPerPage, requestsPerSecond] = [spreadOf(runs.map((r) => r.cpuMsPerPage)), spreadOf(runs.map((r) => r.requestsPerSecond))];
    return {
      layout: c.layout,
      acceptEncoding: c.acceptEncoding,
      contentEncoding: encoding,
      wireBytes: bytes,
      cpuMsPerPage,
      requestsPerSecond,
      errors: runs.reduce((s, r) => s + r.errors, 0),
    };
  });
  return { cpu, cpuRuns };
}

/**
 * `pages` requests over `connections` connections to one server: its CPU time (all threads) per
 * page and the requests per second, both up to the last response (autocannon itself only stops at
 * its next sample tick).
 */
async function cpuPerPage(
  server: ForkedServer,
  acceptEncoding: string,
  options: { pages: number; connections: number },
): Promise<{ cpuMsPerPage: number; requestsPerSecond: number; errors: number }> {
  let answered = 0;
  let [cpu1, t1] = [NaN, NaN];
  const cpu0 = processCpuMs(server.pid);
  const t0 = performance.now();
  const headers = headersFor(acceptEncoding);
  const run = autocannon({ url: server.url, connections: options.connections, amount: options.pages, headers, sampleInt: 100 });
  run.on('response', () => {
    if (++answered === options.pages) [cpu1, t1] = [processCpuMs(server.pid), performance.now()];
  });
  const r = await run;
  if (answered < options.pages) [cpu1, t1] = [processCpuMs(server.pid), performance.now()];
  return {
    cpuMsPerPage: (cpu1 - cpu0) / answered,
    requestsPerSecond: answered / ((t1 - t0) / 1000),
    errors: r.errors + r.timeouts + r.non2xx,
  };
}
