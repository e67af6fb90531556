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
import { fileURLToPath } from 'node:url';
import { healthyPodletNames } from '../test/helpers/healthy-podlet.ts';
import { faultCases, forkFaultLayout, runCase, validatePage, type CaseResult, type CaseRun } from './lib/fault-cases.ts';
import type { Backends } from './lib/fault-backends.ts';
import { pageSizeRatios, renderFaultsMarkdown } from './lib/faults-markdown.ts';
import { forkIpcChild, type IpcChild } from './lib/ipc-child.ts';
import { measureRecovery, type RecoverySeries } from './lib/measure-recovery.ts';
import { describeMachine } from './lib/stats.ts';
import { writeResults } from './lib/write-results.ts';

const run: CaseRun = {
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 20),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
  timeoutMs: Number(process.env.BENCH_TIMEOUT_MS ?? 1000),
  hostileEach: process.env.BENCH_HOSTILE_EACH !== '0',
  eachSeconds: Number(process.env.BENCH_EACH_SECONDS ?? 3),
  healthyNames: healthyPodletNames,
  log: (line) => void (line && console.error(line)),
};
const only = process.env.BENCH_CASES?.split(',').map((s) => s.trim()) ?? [];
const recoveryOutages = (process.env.BENCH_RECOVERY_OUTAGES ?? '1,5,35').split(',').map(Number);
const recoveryRestarts = Number(process.env.BENCH_RECOVERY_RESTARTS ?? 3);
const recoveryPodlet = 'beta';

const started = Date.now();
let backends: IpcChild<Backends> | undefined;
try {
  backends = await forkIpcChild<Backends>(fileURLToPath(new URL('lib/fault-backends.ts', import.meta.url)), {}, run.log);
  const results: CaseResult[] = [];
  for (const c of faultCases(backends, run).filter((c) => only.length === 0 || only.some((o) => c.name.includes(o))))
    results.push(await runCase(backends, c, run));
  const recovery = only.length === 0 || only.some((o) => 'recovery'.includes(o)) ? await measureRecoveries(backends) : [];

  const machine = await describeMachine();
  const date = new Date().toISOString();
  const runSeconds = Math.round((Date.now() - started) / 1000);
  const md = renderFaultsMarkdown(results, recovery, { ...run, date, machine, runSeconds, recoveryPodlet });
  if (only.length) {
    console.log(md);
  } else {
    const { seconds, eachSeconds, connections, rounds, warmupSeconds, timeoutMs } = run;
    const pageSize = pageSizeRatios(results)?.json;
    const json = { date, machine, seconds, eachSeconds, connections, rounds, warmupSeconds, timeoutMs, runSeconds, pageSize };
    await writeResults('faults', { ...json, results, recovery }, md);
  }
} finally {
  await backends?.stop();
}

/**
 * The recovery case (bench/lib/measure-recovery.ts): for each outage length, a fresh layout of the
 * healthy three under load, and beta stopped for the outage and started on its port, again and again.
 */
async function measureRecoveries(b: IpcChild<Backends>): Promise<RecoverySeries[]> {
  const recovery: RecoverySeries[] = [];
  for (const outageSeconds of recoveryOutages) {
    const layout = await forkFaultLayout(b, [...run.healthyNames], run);
    try {
      await validatePage(layout.ready.url, [...run.healthyNames], 'recovery');
      const stop = () => b.call('stop', { podlet: recoveryPodlet });
      const start = () => b.call('start', { podlet: recoveryPodlet });
      const options = { layout, podlet: recoveryPodlet, stop, start, outageSeconds, restarts: recoveryRestarts };
      recovery.push(await measureRecovery({ ...options, connections: run.connections, log: run.log }));
    } finally {
      await layout.stop();
    }
  }
  return recovery;
}
