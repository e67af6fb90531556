/**
 * The README's benchmark figures, rendered from what the benchmarks wrote to bench/results/*.json:
 * one Markdown fragment per marked section (`<!-- bench:page -->` … `<!-- /bench:page -->`).
 * Every figure the README gives for a benchmark comes from here, so none can drift from the
 * committed results; the prose around the sections states none. write-readme-figures.ts puts
 * them in place.
 */
import { day, kb, listOf, ms, pageRow, range, table, times, wrapProse } from './format-figures.ts';
import type { BenchResults, FirefoxResults, Machine, PackagesResults, PageResults, PageRow, StallResults } from './read-bench-results.ts';
import type { Spread } from './stats.ts';
import { renderServerFigures } from './server-figures.ts';
import { renderSsrFigures } from './ssr-figures.ts';

/** Section name → its Markdown, for every section the README may mark. */
export function renderReadmeFigures(results: BenchResults): Map<string, string> {
  const sections: Array<[string, string]> = [
    ['bench:runs', renderRuns(results)],
    ['bench:page', renderPage(results.page)],
    ['bench:page-findings', renderPageFindings(results.page)],
    ['bench:firefox', renderFirefox(results.firefox, results.stalls)],
    ['bench:service-worker', renderServiceWorker(results.page)],
    ...renderServerFigures(results),
    ...renderSsrFigures(results),
    ['bench:packages', renderPackages(results.packages)],
  ];
  return new Map(sections.map(([name, markdown]) => [name, wrapProse(markdown)]));
}

function renderRuns({ page, firefox, layout, packages, faults, ssr }: BenchResults): string {
  const rows = [
    [
      '`bench:page`',
      '`bench/results/page.md`',
      day(page.date),
      `${page.chromium}, ${firefox.firefox}`,
      `${Math.round(page.durationS / 60)} min`,
    ],
    ['`bench:layout`', '`bench/results/layout.md`', day(layout.date), '—', '—'],
    ['`bench:ssr`', '`bench/results/ssr.md`', day(ssr.date), '—', `${Math.round(ssr.durationS / 60)} min`],
    ['`bench:packages`', '`bench/results/packages.md`', day(packages.date), packages.chromium, '—'],
    ['`bench:faults`', '`bench/results/faults.md`', day(faults.date), '—', `${Math.round(faults.runSeconds / 60)} min`],
  ];
  const describe = (m: Machine) => `${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}`;
  const machines = new Set([page.machine, layout.machine, packages.machine, faults.machine, ssr.machine].map(describe));
  const where = machines.size === 1 ? `Every run: ${[...machines][0]}, a shared machine.` : `Machines: ${[...machines].join('; ')}.`;
  return `${table(['benchmark', 'full tables', 'run on', 'browsers', 'took'], rows)}\n\n${where}`;
}

const PAGE_VARIANTS: Array<[string, string]> = [
  ['U+P', 'U+P'],
  ['U+P SSR', 'U+P SSR'],
  ['U', 'U'],
  ['U+P 7o', 'U+P 7o'],
  ['B', 'B'],
  ['B SSR', 'B SSR'],
  ['S', 'S'],
  ['U+P h1', 'U+P HTTP/1.1'],
];

/** `a` over `b`, or null when either is missing. */
const ratioTo = (a: number | null, b: number | null) => (a == null || b == null || b === 0 ? null : a / b);

function renderPage(page: PageResults): string {
  const at = (scenario: string, variant: string, latencyMs = 40) => pageRow(page, scenario, latencyMs, variant);
  const cell = (scenario: string, variant: string, value: (row: PageRow) => string, ratio?: (row: PageRow) => number | null) => {
    const row = at(scenario, variant);
    const relative = ratio?.(row);
    return variant === 'U+P' && relative != null ? `${value(row)} (${times(relative)} B)` : value(row);
  };
  const rendered = (row: PageRow) => ms(row.renderedMs.median);
  const painted = (spread: Spread | undefined) => (spread && spread.n > 0 ? ms(spread.median) : 'n/a');
  const seen = (key: 'fcpMs' | 'lcpMs') => (v: string) =>
    cell(
      'cold home',
      v,
      (r) => painted(r[key]),
      (r) => r.seenVsB?.[key] ?? null,
    );
  const rows: Array<[string, (variant: string) => string]> = [
    ['cold home, rendered', (v) => cell('cold home', v, rendered, (r) => r.timeVsB)],
    ['cold home, first paint (FCP)', seen('fcpMs')],
    ['cold home, largest paint (LCP)', seen('lcpMs')],
    ['cold home, requests / KB', (v) => cell('cold home', v, (r) => `${r.requests} / ${kb(r.bytes.median)}`)],
    [
      'cold home, module KB',
      (v) =>
        cell(
          'cold home',
          v,
          (r) => kb(r.moduleBytes ?? NaN),
          (r) => ratioTo(r.moduleBytes, at('cold home', 'B').moduleBytes),
        ),
    ],
    ['home → search, rendered', (v) => cell('home → search', v, rendered, (r) => r.timeVsB)],
    [
      'home → search, KB fetched',
      (v) =>
        cell(
          'home → search',
          v,
          (r) => kb(r.bytes.median),
          (r) => r.bytesVsB,
        ),
    ],
    ['revisit home, rendered', (v) => cell('revisit home', v, rendered)],
  ];
  const header = ['40 ms latency', ...PAGE_VARIANTS.map(([, title]) => title)];
  const body = rows.map(([title, value]) => [title, ...PAGE_VARIANTS.map(([variant]) => value(variant))]);
  const slow = (variant: string) => at('cold home', variant, 150);
  const up40 = at('cold home', 'U+P').renderedMs;
  const b40 = at('cold home', 'B').renderedMs;
  return [
    `${page.reps} repetitions per variant at ${listOf(page.latencies.map(String))} ms latency and ${page.throughputMbps} Mbit/s; medians:`,
    table(header, body),
    `At 150 ms latency a cold home is ${ms(slow('U+P').renderedMs.median)} for U+P against ${ms(slow('B').renderedMs.median)} for B ` +
      `(${times(slow('U+P').timeVsB!)}). Over its ${page.reps} repetitions at 40 ms a cold home took ${range(up40)} ms with U+P and ` +
      `${range(b40)} ms with B.`,
  ].join('\n\n');
}

function renderPageFindings(page: PageResults): string {
  const at = (scenario: string, variant: string, latencyMs = 40) => pageRow(page, scenario, latencyMs, variant);
  const cold = (variant: string, latencyMs = 40) => at('cold home', variant, latencyMs);
  const next = (variant: string) => at('home → search', variant);
  return [
    `- **A first visit costs ${times(cold('U+P').timeVsB!)} one bundle at 40 ms and ${times(cold('U+P', 150).timeVsB!)} at 150 ms.** ` +
      `The cost is per module in the browser (${cold('U+P').requests} requests against ${cold('B').requests}), not the network: ` +
      `preloading brings the request chain to ${cold('U+P').chainDepth}, a bundle's is ${cold('B').chainDepth} (U, without ` +
      `preloads, has a chain of ${cold('U').chainDepth} and takes ${times(cold('U').timeVsB!)} B).`,
    `- **Moving between pages fetches ${kb(next('U+P').bytes.median)} KB against a per-page bundle's ${kb(next('B').bytes.median)} KB** ` +
      `(${times(next('U+P').bytesVsB!)}), in ${times(next('U+P').timeVsB!)} its time, because only the new podlet's module is ` +
      `fetched; a split build (S) fetches ${kb(next('S').bytes.median)} KB, but then every team builds together and deploys together.`,
    '- **No team rebuilds anything for a shared library upgrade**: the next page gets the newest minor from the CDN; bundles must ' +
      'be rebuilt and redeployed.',
    `- **HTTP/2 matters**: over HTTP/1.1 the same cold home takes ${times(cold('U+P h1').timeVsB!)} B at 40 ms and ` +
      `${times(cold('U+P h1', 150).timeVsB!)} at 150 ms.`,
  ].join('\n');
}

function renderFirefox(firefox: FirefoxResults, stalls: StallResults[]): string {
  const row = (scenario: string, variant: string) => {
    const found = firefox.summary.find((r) => r.scenario === scenario && r.variant === variant);
    if (!found) throw new Error(`bench/results/page-firefox.json has no ${scenario} row for ${variant}`);
    return found;
  };
  const compare = (scenario: string, named: boolean) =>
    `${ms(row(scenario, 'U+P').renderedMs.median)}${named ? ' with U+P' : ''} against ${ms(row(scenario, 'B').renderedMs.median)}` +
    `${named ? ' with B' : ''} (${times(row(scenario, 'U+P').timeVsB)})`;
  const count = (keep: (condition: string) => boolean) => {
    const rows = stalls.flatMap((run) => run.rows).filter((r) => keep(r.condition));
    return `${rows.reduce((n, r) => n + r.stalls, 0)} in ${rows.reduce((n, r) => n + r.loads, 0)}`;
  };
  const firefoxCondition = (condition: string) => condition.startsWith('firefox');
  return (
    `At ${firefox.latencyMs} ms in Firefox (${firefox.firefox}, ${firefox.reps} repetitions) a cold home takes ` +
    `${compare('cold home', true)}, and home → search ${compare('home → search', false)}. Stalled cold loads at 0 ms in ` +
    `\`bench/stall.ts\`: ${count((c) => c.endsWith('-emu'))} with Chromium's network emulation, ` +
    `${count((c) => !c.endsWith('-emu') && !firefoxCondition(c))} in Chromium without it, ${count(firefoxCondition)} in Firefox.`
  );
}

function renderServiceWorker(page: PageResults): string {
  const at = (scenario: string, variant: string, latencyMs = 40) => pageRow(page, scenario, latencyMs, variant);
  const added = (latencyMs: number) => {
    const delta = at('home → search', 'U+P SW', latencyMs).renderedMs.median - at('home → search', 'U+P', latencyMs).renderedMs.median;
    return `${delta >= 0 ? '+' : '−'}${ms(Math.abs(delta))} at ${latencyMs} ms`;
  };
  const offline = at('offline reload', 'U+P SW');
  const offlineWithout = at('offline reload', 'U+P');
  const firstVisit = at('cold home', 'U+P SW').bytes.median - at('cold home', 'U+P').bytes.median;
  return (
    `Once the worker is installed, home → search fetches ${kb(at('home → search', 'U+P SW').moduleBytes!)} KB of modules ` +
    `(without it: ${kb(at('home → search', 'U+P').moduleBytes!)} KB, the search podlet). At 40 ms a revisit in a new tab ` +
    `takes ${ms(at('revisit home', 'U+P SW').renderedMs.median)} with it and ${ms(at('revisit home', 'U+P').renderedMs.median)} ` +
    `without; a reload offline renders in ${ms(offline.renderedMs.median)} (${range(offline.renderedMs)}) where ` +
    `${offlineWithout.failed === offlineWithout.renderedMs.n || offlineWithout.renderedMs.n === 0 ? 'the page without it fails' : `the page without it takes ${ms(offlineWithout.renderedMs.median)}`}. ` +
    `A controlling worker changes moving between pages by ${listOf(page.latencies.map(added))} latency, and a first visit ` +
    `fetches ${kb(firstVisit)} KB more, the worker and what it precaches.`
  );
}

function renderPackages(packages: PackagesResults): string {
  const latency = packages.targetLatencyMs;
  const at = (scenario: string, variant: string) => {
    const row = packages.summary.find((r) => r.latencyMs === latency && r.scenario === scenario && r.variant === variant);
    if (!row) throw new Error(`bench/results/packages.json has no ${scenario} row for ${variant} at ${latency} ms`);
    return row;
  };
  const target = (words: string) => {
    const found = packages.targets.find((t) => t.name.includes(words));
    return found ? `${found.limit.replace(/ \(.*\)$/, '')}: ${found.met ? 'met' : 'missed'}` : '—';
  };
  const [cold, bundle] = [at('cold', 'podmap'), at('cold', 'bundle')];
  const [second, secondBundle] = [at('second page', 'podmap'), at('second page', 'bundle')];
  const document = packages.documents['podmap /']!;
  const oneEntry = packages.packages.filter((p) => p.specifiers.length === 1);
  const within = oneEntry.filter((p) => p.ownModules <= 3).map((p) => p.ownModules);
  const over = oneEntry.filter((p) => p.ownModules > 3).map((p) => `${p.specifiers[0]}: ${p.ownModules}`);
  const modules = `${Math.min(...within)}–${Math.max(...within)}${over.length ? ` (${over.join(', ')})` : ''}`;
  const rows = [
    [
      'cold page, rendered',
      `${ms(cold.renderedMs.median)} (${times(cold.renderedMs.median / bundle.renderedMs.median)})`,
      ms(bundle.renderedMs.median),
      target('until rendered'),
    ],
    [
      'cold page, modules / KB',
      `${cold.modules} / ${kb(cold.bytes.median)} KB (${times(cold.bytes.median / bundle.bytes.median)})`,
      `${bundle.modules} / ${kb(bundle.bytes.median)} KB`,
      target('bytes over the network'),
    ],
    ['HTML + import map (br)', `${kb(document.htmlBrBytes)} KB (map ${kb(document.mapBrBytes)} KB)`, '—', target('HTML plus import map')],
    ['modules per one-entry package', modules, '—', target('modules per imported package')],
    [
      'second page',
      `${ms(second.renderedMs.median)}, ${second.modules} modules, ${kb(second.bytes.median)} KB`,
      `${ms(secondBundle.renderedMs.median)}, ${kb(secondBundle.bytes.median)} KB`,
      target('second page, rendered'),
    ],
  ];
  const kept = packages.bundles.bytesByPackage['/'] ?? {};
  const gaps = packages.packages
    .filter((p) => kept[p.package] !== undefined)
    .sort((a, b) => b.rawBytes - kept[b.package]! - (a.rawBytes - kept[a.package]!))
    .slice(0, 3)
    .map((p) => `${p.package} ${kb(p.rawBytes)} KB against ${kb(kept[p.package]!)} KB`);
  return [
    `${latency} ms latency, ${packages.reps} repetitions, medians:`,
    table([`${latency} ms latency`, 'podmap', 'bundle', 'target'], rows),
    `The largest gaps between a package's build and what the bundle keeps of it (minified): ${gaps.join(', ')}.`,
  ].join('\n\n');
}
