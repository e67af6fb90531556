import type { CpuFigures } from './layout-cpu.ts';
import { markdownTable, spreadText, type describeMachine, type Spread } from './stats.ts';

/** One layout's figures in bench/results/layout.md. */
export interface LayoutSummary {
  layout: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  pageBytes: number;
  firstByteMs: Spread;
  lastByteMs: Spread;
}

/** One round of autocannon on one layout. */
export interface LoadRound {
  layout: string;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** What layout.md says, beside the figures: how the run was made. */
export interface LayoutRun {
  date: string;
  machine: Awaited<ReturnType<typeof describeMachine>>;
  connections: number;
  seconds: number;
  rounds: number;
  samples: number;
  home: readonly string[];
  slowPodlet: string;
  delayMs: number;
  cpuPages: number;
  cpuReps: number;
}

const layoutName = (layout: string) => (layout === 'podium' ? '@podium/layout 5.4.2' : 'podmap');

/** bench/results/layout.md: throughput and the slow podlet, CPU per page, then every round. */
export function renderLayoutMarkdown(
  run: LayoutRun,
  figures: { summary: LayoutSummary[]; slowPodmapBr: { firstByteMs: Spread; lastByteMs: Spread }; cpu: CpuFigures[]; load: LoadRound[] },
): string {
  const { machine, slowPodlet, delayMs } = run;
  const [p, q] = [figures.summary.find((s) => s.layout === 'podmap')!, figures.summary.find((s) => s.layout === 'podium')!];
  return [
    '# bench:layout — podmap’s layout against @podium/layout',
    '',
    `${run.date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · loopback, every server its own process`,
    `Load: autocannon, HTTP/1.1 keep-alive, ${run.connections} connections, ${run.seconds} s per round, ${run.rounds} alternating rounds after a warm-up; medians over rounds. ` +
      `The home page: five podlets (${run.home.join(', ')}). Slow podlet: ${slowPodlet}'s content ${delayMs} ms late; first/last byte of the body, ` +
      `one request at a time, median (min–max) of ${run.samples}.`,
    '',
    markdownTable(
      ['layout', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'page KB', `first byte ms, ${slowPodlet} +${delayMs} ms`, 'last byte ms'],
      figures.summary.map((s) => [
        layoutName(s.layout),
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
    `podmap with Accept-Encoding \`br, gzip\`, ${slowPodlet} +${delayMs} ms: first byte ${spreadText(figures.slowPodmapBr.firstByteMs, 1)} ms, ` +
      `last byte ${spreadText(figures.slowPodmapBr.lastByteMs, 1)} ms.`,
    '',
    ...cpuSection(run, figures.cpu),
    markdownTable(
      ['layout', 'round', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx'],
      figures.load.map((l) => [
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
}

/** The CPU table, when CPU was measured. */
function cpuSection(run: LayoutRun, cpu: CpuFigures[]): string[] {
  if (cpu.length === 0) return [];
  const cpuRatio = (acceptEncoding: string) => {
    const [a, b] = ['podmap', 'podium'].map((l) => cpu.find((c) => c.layout === l && c.acceptEncoding === acceptEncoding)!);
    return a!.cpuMsPerPage.median / b!.cpuMsPerPage.median;
  };
  return [
    `CPU time of the layout process alone (user + system, all threads, /proc/<pid>/stat) per page: ${run.cpuPages} pages per repetition, ` +
      `${run.connections} connections, ${run.cpuReps} repetitions alternating between the cases after a warm-up; median (min–max). ` +
      'Podium answers `br, gzip` through the `compression` middleware (its defaults: brotli quality 4).',
    '',
    markdownTable(
      ['layout', 'Accept-Encoding', 'sent as', 'body bytes', 'CPU ms/page', 'req/s', 'podmap/Podium CPU'],
      cpu.map((c) => [
        layoutName(c.layout),
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
  ];
}
