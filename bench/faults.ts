/**
 * Benchmark (not a test): req/s and p99 latency of a podmap layout serving one page while one of
 * its podlets (or the CDN) misbehaves, next to the healthy figure, in one run. Writes
 * bench/results/faults.json and faults.md.
 *
 *   npm run bench:faults     (env: BENCH_SECONDS=5, BENCH_CONNECTIONS=20, BENCH_ROUNDS=3, BENCH_WARMUP_SECONDS=2,
 *                             BENCH_TIMEOUT_MS=1000, BENCH_HOSTILE_EACH=1, BENCH_EACH_SECONDS=3,
 *                             BENCH_CASES="healthy,hanging": only the cases whose names contain one of these;
 *                             the ×-healthy column then divides by the first case run, and
 *                             bench/results/ is left alone: the table is only printed;
 *                             BENCH_CASES=recovery runs the recovery case alone,
 *                             BENCH_RECOVERY_OUTAGES=1,5,35 (seconds down), BENCH_RECOVERY_RESTARTS=3)
 *
 * Processes, all on loopback: the CDN, the three healthy podlets (alpha, beta, gamma), ten more
 * well-behaved podlets made like them (delta … nu, for the control row) and the ten
 * hostile podlets of test/helpers/hostile-podlets.ts live in one child (bench/lib/fault-backends.ts),
 * which takes the faults over IPC. Each case gets a fresh layout in a child of its own
 * (bench/lib/fault-layout.ts: createLayout, timeoutMs BENCH_TIMEOUT_MS, default circuit breaker),
 * so no circuit breaker or cache carries over from one case to the next, and its memory is its own.
 * autocannon (HTTP/1.1, keep-alive) runs in this process.
 *
 * Each case: start the layout, set the fault up, one validation request (200, ends with
 * `</html>\n`, the sections that fell back are noted), a warm-up of BENCH_WARMUP_SECONDS (the
 * circuit breaker opens here), BENCH_ROUNDS rounds of BENCH_SECONDS, a page after the last round
 * (its fallbacks noted), then the layout's memory. The page holds alpha, beta, gamma (and the
 * hostile podlets, or the ten more healthy ones, in those cases). Cases, in this order:
 *   healthy · beta stopped · gamma hanging · alpha killed mid-round (closeAllConnections at 30 % of
 *   each round, restarted at 60 %) · alpha's podlet-version flapping on every content response ·
 *   13 healthy podlets (the control for the next row: the same page shape, ten well-behaved podlets
 *   where it has the hostile ones) · every hostile podlet on the page · each hostile podlet alone beside the healthy three
 *   (BENCH_HOSTILE_EACH=0 skips these; their rounds last BENCH_EACH_SECONDS) · the CDN stopped right
 *   after the validation request built the page · healthy again (how far the machine drifted).
 * Then the recovery case (bench/lib/measure-recovery.ts): for each outage length, a fresh layout
 * under autocannon load, beta stopped for the outage and started on its port, BENCH_RECOVERY_RESTARTS
 * times; the figure is the time from the moment beta listens again to the first page with its
 * content, median (min–max) over restarts.
 * Rounds of a case run back to back (a fault is state: they cannot alternate with other cases);
 * the table gives the median over rounds with min–max. Under the table: hostile (all) against the
 * 13-healthy control, and the control against healthy (how much of the drop is page size).
 */
import autocannon from 'autocannon';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backends } from './lib/fault-backends.ts';
import type { LayoutConfig, LayoutMemory } from './lib/fault-layout.ts';
import { forkIpcChild, type IpcChild } from './lib/ipc-child.ts';
import { measureRecovery, recoveryMarkdown, type RecoverySeries } from './lib/measure-recovery.ts';
import { describeMachine, markdownTable, spreadOf, type Spread } from './lib/stats.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 1000);
const hostileEach = process.env.BENCH_HOSTILE_EACH !== '0';
const eachSeconds = Number(process.env.BENCH_EACH_SECONDS ?? 3);
const only = process.env.BENCH_CASES?.split(',').map((s) => s.trim()) ?? [];
const recoveryOutages = (process.env.BENCH_RECOVERY_OUTAGES ?? '1,5,35').split(',').map(Number);
const recoveryRestarts = Number(process.env.BENCH_RECOVERY_RESTARTS ?? 3);
const recoveryPodlet = 'beta';
const healthyNames = ['alpha', 'beta', 'gamma'];
const controlCase = '13 healthy podlets';
const hostileAllCase = 'hostile (all)';

interface Case {
  name: string;
  what: string;
  /** Podlets on the page before the healthy three (hostile ones, or the ten more healthy ones). */
  more?: string[];
  seconds?: number;
  /** After the layout started, before the validation request. */
  setUp?(): Promise<unknown>;
  /** After the validation request, before the warm-up. */
  afterValidation?(): Promise<unknown>;
  /** Runs beside each measured round (not the warm-up). */
  during?(roundMs: number): Promise<void>;
  /** After the case, to leave the backends healthy. */
  tearDown?(): Promise<unknown>;
}

interface Round {
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
}

const log = (line: string) => {
  if (line) console.error(line);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
let backends: IpcChild<Backends> | undefined;
let layout: IpcChild<{ url: string }> | undefined;
try {
  backends = await forkIpcChild<Backends>(join(root, 'bench/lib/fault-backends.ts'), {}, log);
  const b = backends;
  const { cdnUrl, healthy, moreHealthy, hostile } = b.ready;
  const behave = (podlet: string, behaviour: string) => b.call('behave', { podlet, behaviour });

  const cases: Case[] = [
    { name: 'healthy', what: 'alpha, beta, gamma all answering' },
    {
      name: 'stopped',
      what: 'beta’s server closed for the whole case',
      setUp: () => b.call('stop', { podlet: 'beta' }),
      tearDown: () => b.call('start', { podlet: 'beta' }),
    },
    {
      name: 'hanging',
      what: `gamma accepts the content request and never answers (timeoutMs ${timeoutMs})`,
      setUp: () => behave('gamma', 'hang'),
      tearDown: () => behave('gamma', 'ok'),
    },
    {
      name: 'killed mid-round',
      what: 'alpha: closeAllConnections + close at 30 % of each round, listening again at 60 %',
      during: async (roundMs) => {
        await sleep(roundMs * 0.3);
        await b.call('stop', { podlet: 'alpha' });
        await sleep(roundMs * 0.3);
        await b.call('start', { podlet: 'alpha' });
      },
    },
    {
      name: 'version flap',
      what: 'alpha sends a new podlet-version header on every content response',
      setUp: () => behave('alpha', 'flap'),
      tearDown: () => behave('alpha', 'ok'),
    },
    {
      name: controlCase,
      what:
        `${moreHealthy.length} more well-behaved podlets (${moreHealthy[0]} … ${moreHealthy.at(-1)}, made like alpha and gamma) ` +
        'on the page beside the healthy three: the control for hostile (all), the same page shape',
      more: moreHealthy,
    },
    {
      name: hostileAllCase,
      what: `all ${hostile.length} hostile podlets on the page beside the healthy three`,
      more: hostile.map((h) => h.name),
    },
    ...(hostileEach ? hostile.map((h) => ({ name: `hostile: ${h.name}`, what: h.what, more: [h.name], seconds: eachSeconds })) : []),
    {
      name: 'CDN stopped',
      what: 'the CDN closed right after the validation request built the page',
      afterValidation: () => b.call('cdnStop'),
      tearDown: () => b.call('cdnStart'),
    },
    { name: 'healthy (again)', what: 'the first case once more, at the end of the run' },
  ];

  const results = [];
  for (const c of cases.filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)))) {
    const names = [...(c.more ?? []), ...healthyNames];
    const podlets = Object.fromEntries(names.map((n) => [n, healthy[n] ?? hostile.find((h) => h.name === n)!.manifest]));
    const config: LayoutConfig = { cdnUrl, podlets, names, timeoutMs };
    layout = await forkIpcChild<{ url: string }>(join(root, 'bench/lib/fault-layout.ts'), { BENCH_LAYOUT: JSON.stringify(config) }, log);
    const url = layout.ready.url;
    const caseSeconds = c.seconds ?? seconds;
    await c.setUp?.();
    const first = await validate(url, names, c.name);
    await c.afterValidation?.();
    await autocannon({ url, connections, duration: warmupSeconds });
    const runs: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      const [r] = await Promise.all([autocannon({ url, connections, duration: caseSeconds }), c.during?.(caseSeconds * 1000)]);
      runs.push({
        round,
        requestsPerSecond: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        maxMs: r.latency.max,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
      console.error(`bench:faults: ${c.name} round ${round}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms`);
    }
    const last = await validate(url, names, c.name);
    const memory = await layout.call<LayoutMemory>('memory');
    await layout.stop();
    layout = undefined;
    await c.tearDown?.();
    results.push({
      case: c.name,
      what: c.what,
      seconds: caseSeconds,
      requestsPerSecond: spreadOf(runs.map((r) => r.requestsPerSecond)),
      p99Ms: spreadOf(runs.map((r) => r.p99Ms)),
      p50Ms: spreadOf(runs.map((r) => r.p50Ms)),
      errors: runs.reduce((s, r) => s + r.errors, 0),
      non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
      fallbacksFirst: first.fallbacks,
      fallbacksLast: last.fallbacks,
      validationMs: first.ms,
      memory,
      runs,
    });
  }

  const recovery: RecoverySeries[] = [];
  if (only.length === 0 || only.some((o) => 'recovery'.includes(o))) {
    for (const outageSeconds of recoveryOutages) {
      const podlets = Object.fromEntries(healthyNames.map((n) => [n, healthy[n]!]));
      const config: LayoutConfig = { cdnUrl, podlets, names: healthyNames, timeoutMs };
      layout = await forkIpcChild<{ url: string }>(join(root, 'bench/lib/fault-layout.ts'), { BENCH_LAYOUT: JSON.stringify(config) }, log);
      await validate(layout.ready.url, healthyNames, 'recovery');
      recovery.push(
        await measureRecovery({
          layout,
          podlet: recoveryPodlet,
          stop: () => b.call('stop', { podlet: recoveryPodlet }),
          start: () => b.call('start', { podlet: recoveryPodlet }),
          outageSeconds,
          restarts: recoveryRestarts,
          connections,
          log,
        }),
      );
      await layout.stop();
      layout = undefined;
    }
  }

  const machine = await describeMachine();
  const date = new Date().toISOString();
  const runSeconds = Math.round((Date.now() - started) / 1000);
  const base = results[0]?.requestsPerSecond.median ?? NaN;
  const fmt = (s: Spread, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const fallbackText = (f: string[]) => (f.length ? f.join(', ') : '—');
  const pageSize = pageSizeRatios(results);
  const md = [
    '# bench:faults — a podmap layout under podlet and CDN faults',
    '',
    `${date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · loopback; ` +
      'the CDN and all podlets in one process, each case’s layout in a fresh process of its own, autocannon in the bench process.',
    `Load: autocannon, HTTP/1.1 keep-alive, ${connections} connections; per case a ${warmupSeconds} s warm-up, then ${rounds} rounds of ` +
      `${seconds} s (${eachSeconds} s for the per-hostile-podlet rows), back to back; median (min–max) over rounds. ` +
      `Layout timeoutMs ${timeoutMs}, default circuit breaker (5 failures open it; probed in the background every 500 ms while open). ` +
      'The page: alpha, beta, gamma (plus the hostile podlets, or ten more healthy ones, in those rows). Every case was validated first: ' +
      'status 200 and the body ends with `</html>\\n`. Memory: the layout process at the end of the case ' +
      '(live heap = heapUsed after two full collections). Whole run: ' +
      `${runSeconds} s.`,
    '',
    markdownTable(
      [
        'case',
        'req/s',
        '× healthy',
        'p99 ms',
        'p50 ms',
        'non-2xx',
        'errors',
        'fell back (first page / last page)',
        'RSS MB',
        'heapUsed MB',
        'live heap MB',
        'log lines',
      ],
      results.map((r) => [
        r.case,
        fmt(r.requestsPerSecond),
        (r.requestsPerSecond.median / base).toFixed(2),
        fmt(r.p99Ms),
        fmt(r.p50Ms),
        String(r.non2xx),
        String(r.errors),
        `${fallbackText(r.fallbacksFirst)} / ${fallbackText(r.fallbacksLast)}`,
        r.memory.rssMb.toFixed(0),
        r.memory.heapUsedMb.toFixed(1),
        r.memory.liveHeapMb.toFixed(1),
        String(r.memory.logLines),
      ]),
    ),
    '',
    ...(recovery.length ? [recoveryMarkdown(recovery, recoveryPodlet, connections), ''] : []),
    ...(pageSize ? [pageSize.text, ''] : []),
    ...notes(results),
    '',
    'What each case does:',
    '',
    ...results.map((r) => `- **${r.case}**: ${r.what}.`),
    '',
    'Log lines by podlet and code, per case (the layout’s console.warn/error, counted in its process):',
    '',
    ...results
      .filter((r) => r.memory.logLines > 0)
      .map(
        (r) =>
          `- ${r.case}: ${Object.entries(r.memory.codes)
            .map(([code, n]) => `${code} ×${n}`)
            .join(', ')}`,
      ),
    '',
  ].join('\n');
  if (only.length) {
    console.log(md);
  } else {
    await mkdir(join(root, 'bench/results'), { recursive: true });
    await writeFile(
      join(root, 'bench/results/faults.json'),
      JSON.stringify(
        {
          date,
          machine,
          seconds,
          eachSeconds,
          connections,
          rounds,
          warmupSeconds,
          timeoutMs,
          runSeconds,
          pageSize: pageSize?.json,
          results,
          recovery,
        },
        null,
        2,
      ) + '\n',
    );
    await writeFile(join(root, 'bench/results/faults.md'), md);
    console.log(md);
  }
} finally {
  await layout?.stop();
  await backends?.stop();
}

/**
 * hostile (all) against the 13-healthy control (hostility), and the control against healthy (page
 * size), by req/s: the ratio of the medians, with the range that the rounds allow (lowest round over
 * highest, highest over lowest). The share of the drop is in log terms (ln ratio / ln total), so
 * the two shares add up to 100 %. Undefined unless all three cases ran.
 */
function pageSizeRatios(results: Array<{ case: string; requestsPerSecond: Spread; p99Ms: Spread }>) {
  const get = (name: string) => results.find((r) => r.case === name);
  const healthy = get('healthy');
  const control = get(controlCase);
  const all = get(hostileAllCase);
  if (!healthy || !control || !all) return undefined;
  const ratio = (a: Spread, b: Spread) => ({ median: a.median / b.median, min: a.min / b.max, max: a.max / b.min });
  const size = ratio(control.requestsPerSecond, healthy.requestsPerSecond);
  const hostility = ratio(all.requestsPerSecond, control.requestsPerSecond);
  const total = ratio(all.requestsPerSecond, healthy.requestsPerSecond);
  const sizeShare = total.median < 1 ? Math.log(size.median) / Math.log(total.median) : NaN;
  const r = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(2)} (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : 'n/a');
  const text =
    `Page size against hostility (req/s, ratio of medians, with the range the rounds allow): ` +
    `${hostileAllCase} ÷ ${controlCase} = **${r(hostility)}** (hostility); ${controlCase} ÷ healthy = **${r(size)}** ` +
    `(page size: 13 podlets instead of 3); ${hostileAllCase} ÷ healthy = ${r(total)}. ` +
    `Of the drop from healthy to ${hostileAllCase} (in log terms), ${pct(sizeShare)} is page size and ${pct(1 - sizeShare)} hostility. ` +
    `p99: healthy ${healthy.p99Ms.median} ms, ${controlCase} ${control.p99Ms.median} ms, ${hostileAllCase} ${all.p99Ms.median} ms.`;
  return { text, json: { hostilityRatio: hostility, pageSizeRatio: size, totalRatio: total, pageSizeShareOfDrop: sizeShare } };
}

/** How to read the table: noise, and what the fault cases do and do not exercise. */
function notes(results: Array<{ case: string; requestsPerSecond: Spread; runs: Round[] }>): string[] {
  const healthyRounds = results.filter((r) => r.case.startsWith('healthy')).flatMap((r) => r.runs.map((x) => x.requestsPerSecond));
  const range = healthyRounds.length ? `${Math.min(...healthyRounds).toFixed(0)}–${Math.max(...healthyRounds).toFixed(0)}` : 'n/a';
  return [
    `Noise: the machine is shared (2 cores; other jobs ran during this run). The healthy rounds at the start and end of the run ` +
      `span ${range} req/s: a case whose req/s falls inside that range is not distinguishable from healthy here.`,
    'A fault case can be *faster* than healthy: a podlet on its fallback costs the layout no content request. ' +
      '“killed mid-round” spends part of its window with alpha’s circuit open: from its stop until the first background probe after its restart. ' +
      `The hostile rows put 4 (or 13) podlets on the page instead of 3, so some drop is the extra fetches, not the hostility: ` +
      `“${controlCase}” is hostile (all)’s page with ten well-behaved podlets in the hostile ones’ places, to tell the two apart. ` +
      '“CDN stopped” lasts well under the layout’s 60 s assetsTtlMs, so the background rebuild against a dead CDN is not exercised.',
  ];
}

/**
 * One GET of the page on a fresh connection: it must answer 200 and end with `</html>\n`, with a
 * section for each podlet. Returns the podlets whose sections were fallbacks, and the time taken.
 */
function validate(url: string, names: string[], label: string): Promise<{ fallbacks: string[]; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`bench: ${label}: the page answered ${res.statusCode}`));
        if (!body.endsWith('</html>\n')) return reject(new Error(`bench: ${label}: the page does not end with </html>\\n`));
        const fallbacks: string[] = [];
        for (const name of names) {
          const section = new RegExp(`<section class="podlet" data-podlet="${name}"( data-fallback)?>`).exec(body);
          if (!section) return reject(new Error(`bench: ${label}: no section for podlet "${name}"`));
          if (section[1]) fallbacks.push(name);
        }
        resolve({ fallbacks, ms: performance.now() - t0 });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`bench: ${label}: the page took over 15 s`)));
    req.on('error', reject);
    req.end();
  });
}
