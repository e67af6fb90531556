import type { CaseResult, CaseRun } from './fault-cases.ts';
import { controlCase, hostileAllCase, type Round } from './fault-cases.ts';
import { recoveryMarkdown, type RecoverySeries } from './measure-recovery.ts';
import { markdownTable, spreadText, type describeMachine, type Spread } from './stats.ts';

const caseHeader = [
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
];

/** bench/results/faults.md: how the run was made, the cases' table, recovery, page size against hostility, notes and log lines. */
export function renderFaultsMarkdown(
  results: CaseResult[],
  recovery: RecoverySeries[],
  meta: CaseRun & { date: string; machine: Awaited<ReturnType<typeof describeMachine>>; runSeconds: number; recoveryPodlet: string },
): string {
  const { machine } = meta;
  const base = results[0]?.requestsPerSecond.median ?? NaN;
  const fallbackText = (f: string[]) => (f.length ? f.join(', ') : '—');
  const pageSize = pageSizeRatios(results);
  return [
    '# bench:faults — a podmap layout under podlet and CDN faults',
    '',
    `${meta.date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · loopback; ` +
      'the CDN and all podlets in one process, each case’s layout in a fresh process of its own, autocannon in the bench process.',
    `Load: autocannon, HTTP/1.1 keep-alive, ${meta.connections} connections; per case a ${meta.warmupSeconds} s warm-up, then ${meta.rounds} rounds of ` +
      `${meta.seconds} s (${meta.eachSeconds} s for the per-hostile-podlet rows), back to back; median (min–max) over rounds. ` +
      `Layout timeoutMs ${meta.timeoutMs}, default circuit breaker (5 failures open it; probed in the background every 500 ms while open). ` +
      'The page: alpha, beta, gamma (plus the hostile podlets, or ten more healthy ones, in those rows). Every case was validated first: ' +
      'status 200 and the body ends with `</html>\\n`. Memory: the layout process at the end of the case ' +
      '(live heap = heapUsed after two full collections). Whole run: ' +
      `${meta.runSeconds} s.`,
    '',
    markdownTable(
      caseHeader,
      results.map((r) => [
        r.case,
        spreadText(r.requestsPerSecond),
        (r.requestsPerSecond.median / base).toFixed(2),
        spreadText(r.p99Ms),
        spreadText(r.p50Ms),
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
    ...(recovery.length ? [recoveryMarkdown(recovery, meta.recoveryPodlet, meta.connections), ''] : []),
    ...(pageSize ? [pageSize.text, ''] : []),
    ...notes(results),
    '',
    ...caseNotes(results),
  ].join('\n');
}

/** What each case does, and the layout's log lines by podlet and code. */
function caseNotes(results: CaseResult[]): string[] {
  const codes = (r: CaseResult) =>
    Object.entries(r.memory.codes)
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
  return [
    'What each case does:',
    '',
    ...results.map((r) => `- **${r.case}**: ${r.what}.`),
    '',
    'Log lines by podlet and code, per case (the layout’s console.warn/error, counted in its process):',
    '',
    ...results.filter((r) => r.memory.logLines > 0).map((r) => `- ${r.case}: ${codes(r)}`),
    '',
  ];
}

/**
 * hostile (all) against the 13-healthy control (hostility), and the control against healthy (page
 * size), by req/s: the ratio of the medians, with the range that the rounds allow (lowest round over
 * highest, highest over lowest). The share of the drop is in log terms (ln ratio / ln total), so
 * the two shares add up to 100 %. Undefined unless all three cases ran.
 */
export function pageSizeRatios(results: Array<{ case: string; requestsPerSecond: Spread; p99Ms: Spread }>) {
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
  const r = (x: { median: number; min: number; max: number }) => spreadText({ ...x, n: 1 }, 2);
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
