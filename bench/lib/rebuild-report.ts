import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describeMachine, markdownTable, spreadText, type Spread } from './stats.ts';
import type { Block } from './watch-blocks.ts';
import { writeResults } from './write-results.ts';

/** One page size's figures. */
export interface SizeResult {
  podlets: number;
  coldBuildMs: number;
  rebuildMs: Spread;
  longestBlockMs: Spread;
  longestCpuBlockMs: Spread;
  mapBytes: number;
  mapScopes: number;
  preloads: number;
  fallbacks: number;
  /** Page requests while the assets are rebuilt all the time, and (quiet) while they are not. */
  load: LoadResult;
  quiet: LoadResult;
}

/** Page requests served meanwhile: how many, latencies, and the longest event-loop block. */
export interface LoadResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  longestBlock: Block;
}

/** How the run was made, for the report's text and rebuild.json. */
export interface RebuildRun {
  label: string;
  sizes: number[];
  rebuilds: number;
  loadSeconds: number;
  concurrency: number;
  ttlMs: number;
}

type Runs = Array<{ label: string; results: SizeResult[] }>;

/**
 * Writes bench/results/rebuild.json and .md: this run, and beside it (row before row) the run of
 * the old code in BENCH_BEFORE's rebuild.json if there is one.
 */
export async function reportRebuilds(run: RebuildRun, results: SizeResult[]): Promise<void> {
  const beforePath = process.env.BENCH_BEFORE;
  const before: Runs[number] | null = beforePath && existsSync(beforePath) ? JSON.parse(await readFile(beforePath, 'utf8')) : null;
  const runs: Runs = [...(before ? [before] : []), { label: run.label, results }];
  const machine = await describeMachine();
  const date = new Date().toISOString();
  const md = [
    '# bench:rebuild — rebuilding one page’s assets',
    '',
    `${date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · loopback; ` +
      'the CDN and the podlets in one child process, the layout in the measuring process. The machine is shared: wall-clock figures include time the OS gave to other processes.',
    '',
    ...rebuildTable(run, runs),
    ...loadTable(run, runs),
  ].join('\n');
  const { label, rebuilds, loadSeconds, concurrency, ttlMs } = run;
  await writeResults('rebuild', { date, machine, label, rebuilds, loadSeconds, concurrency, ttlMs, results, before }, md);
}

/** Rows of every run, sizes side by side, the old code's row first. */
function bySize<T>(run: RebuildRun, runs: Runs, row: (runLabel: string, r: SizeResult) => T): T[] {
  return run.sizes.flatMap((size) => runs.flatMap((r) => r.results.filter((x) => x.podlets === size).map((x) => row(r.label, x))));
}

function rebuildTable(run: RebuildRun, runs: Runs): string[] {
  return [
    `Rebuild: ${run.rebuilds} rebuilds after a warm-up (manifests fetched again, assets dropped, CDN client caches warm); median (min–max) in ms. ` +
      'Longest block: the longest stretch between two ticks of a 1 ms timer during each rebuild (1 ms of it is the timer), by the wall clock and ' +
      "counting only this process's CPU time in it (min of the two); median (min–max) over the rebuilds.",
    '',
    markdownTable(
      [
        'code',
        'podlets',
        'first build ms',
        'rebuild ms',
        'longest block ms, wall',
        'longest block ms, CPU',
        'map KB',
        'scopes',
        'preloads',
        'fallbacks',
      ],
      bySize(run, runs, (runLabel, r) => [
        runLabel,
        String(r.podlets),
        r.coldBuildMs.toFixed(0),
        spreadText(r.rebuildMs, 1),
        spreadText(r.longestBlockMs, 1),
        spreadText(r.longestCpuBlockMs, 1),
        (r.mapBytes / 1024).toFixed(1),
        String(r.mapScopes),
        String(r.preloads),
        String(r.fallbacks),
      ]),
    ),
    '',
  ];
}

function loadTable(run: RebuildRun, runs: Runs): string[] {
  const latency = (l: LoadResult) => `${l.p50Ms.toFixed(1)} / ${l.p99Ms.toFixed(1)} / ${l.maxMs.toFixed(1)}`;
  const block = (b: Block) => `${b.wallMs.toFixed(1)} / ${b.cpuBoundMs.toFixed(1)}`;
  return [
    `Page requests: ${run.concurrency} clients for ${run.loadSeconds} s each, from a layout whose assets stay fresh (no rebuilds), then from one with ` +
      `assetsTtlMs ${run.ttlMs}, so the page's assets are rebuilt all the time. Latency p50 / p99 / max in ms; the longest block in that time ` +
      "(wall / CPU). Each page request fetches every podlet's content, so serving pages blocks the loop too: compare the two columns.",
    '',
    markdownTable(
      ['code', 'podlets', 'latency, no rebuilds', 'latency, rebuilding', 'block, no rebuilds', 'block, rebuilding', 'pages (errors)'],
      bySize(run, runs, (runLabel, r) => [
        runLabel,
        String(r.podlets),
        latency(r.quiet),
        latency(r.load),
        block(r.quiet.longestBlock),
        block(r.load.longestBlock),
        `${r.quiet.requests} + ${r.load.requests} (${r.quiet.errors + r.load.errors})`,
      ]),
    ),
    '',
  ];
}
