/**
 * The README's figures for the layout server, from bench/results/layout.json and faults.json:
 * the bench:layout, bench:layout-cpu and bench:faults sections (readme-figures.ts gathers them).
 */
import { day, kb, ms, table, times } from './format-figures.ts';
import type { BenchResults, FaultsResults, LayoutResults, LayoutRow } from './read-bench-results.ts';
import type { Spread } from './stats.ts';

/** The layout server's sections, by name, unwrapped. */
export function renderServerFigures(results: BenchResults): Array<[string, string]> {
  return [
    ['bench:layout', renderLayout(results.layout)],
    ['bench:layout-cpu', renderLayoutCpu(results.layout)],
    ['bench:faults', renderFaults(results.faults)],
  ];
}

function layoutRow(layout: LayoutResults, name: string): LayoutRow {
  const row = layout.summary.find((r) => r.layout === name);
  if (!row) throw new Error(`bench/results/layout.json has no summary for ${name}`);
  return row;
}

function renderLayout(layout: LayoutResults): string {
  const podmap = layoutRow(layout, 'podmap');
  const podium = layoutRow(layout, 'podium');
  const cells = (row: LayoutRow) => [
    String(Math.round(row.requestsPerSecond)),
    `${row.p50Ms} ms`,
    `${row.p99Ms} ms`,
    `${row.firstByteMs.median.toFixed(1)} ms`,
    `${row.lastByteMs.median.toFixed(1)} ms`,
  ];
  return [
    `${layout.connections} connections, ${layout.rounds} rounds of ${layout.seconds} s; then ${layout.slowPodlet} answering ` +
      `${layout.delayMs} ms late, ${layout.samples} pages one at a time (medians):`,
    table(
      ['', 'req/s', 'p50', 'p99', `first byte, ${layout.slowPodlet} +${layout.delayMs} ms`, 'last byte'],
      [
        ['podmap layout', ...cells(podmap)],
        ['`@podium/layout`', ...cells(podium)],
      ],
    ),
    `podmap serves ${times(podmap.requestsPerSecond / podium.requestsPerSecond)} Podium's requests per second, p99 ` +
      `${podmap.p99Ms} against ${podium.p99Ms} ms, and its first byte leaves ` +
      `${ms(podium.firstByteMs.median - podmap.firstByteMs.median)} earlier when one podlet is slow.`,
  ].join('\n\n');
}

function renderLayoutCpu(layout: LayoutResults): string {
  const cpu = (name: string, encoding: string) => {
    const row = layout.cpu.find((r) => r.layout === name && r.acceptEncoding === encoding);
    if (!row) throw new Error(`bench/results/layout.json has no CPU row for ${name} with ${encoding}`);
    return row.cpuMsPerPage;
  };
  const spread = (s: Spread) => `${s.median.toFixed(2)} ms (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  const encodings: Array<[string, string]> = [
    ['none', 'no Accept-Encoding'],
    ['br, gzip', '`br, gzip`'],
  ];
  const rows = [
    ['podmap layout', ...encodings.map(([e]) => spread(cpu('podmap', e)))],
    ['`@podium/layout`', ...encodings.map(([e]) => spread(cpu('podium', e)))],
    ['podmap ÷ Podium', ...encodings.map(([e]) => times(cpu('podmap', e).median / cpu('podium', e).median))],
  ];
  return [
    `${layout.cpuPages.toLocaleString('en')} pages × ${layout.cpuReps} repetitions, median (min–max):`,
    table(['CPU per page', ...encodings.map(([, title]) => title)], rows),
    `podmap's page is ${kb(layoutRow(layout, 'podmap').pageBytes)} KB against Podium's ${kb(layoutRow(layout, 'podium').pageBytes)} KB.`,
  ].join('\n\n');
}

function renderFaults(faults: FaultsResults): string {
  const rate = (name: string) => {
    const row = faults.results.find((r) => r.case === name);
    if (!row) throw new Error(`bench/results/faults.json has no case ${name}`);
    return row.requestsPerSecond.median;
  };
  const healthy = rate('healthy');
  const cases: Array<[string, string]> = [
    ['stopped', 'a podlet stopped'],
    ['hanging', 'one hanging'],
    ['killed mid-round', 'one killed mid-round'],
    ['version flap', 'one flapping its version'],
    ['CDN stopped', 'the CDN stopped'],
  ];
  return (
    `Its req/s against healthy (${day(faults.date)}, medians of rounds): ` +
    `${cases.map(([name, words]) => `${times(rate(name) / healthy)} with ${words}`).join(', ')}.`
  );
}
