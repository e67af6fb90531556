/**
 * The benchmark figures of docs/service-worker.md and docs/engines.md, rendered from
 * bench/results/*.json like the README's (readme-figures.ts): one Markdown fragment per marked
 * section. write-readme-figures.ts puts them in place.
 */
import { day, kb, listOf, ms, pageRow, range, table, wrapProse } from './format-figures.ts';
import type { BenchResults, FirefoxResults, PageResults, PageRow, StallResults } from './read-bench-results.ts';
import type { Spread } from './stats.ts';

/** Section name → its Markdown, for every section docs/ may mark. */
export function renderDocFigures(results: BenchResults): Map<string, string> {
  const sections: Array<[string, string]> = [
    ['bench:sw-table', renderWorkerTable(results.page)],
    ['bench:sw-findings', renderWorkerFindings(results.page)],
    ['bench:firefox-table', renderFirefoxTable(results.firefox, results.page)],
    ['bench:stall-table', renderStallTable(results.stalls)],
  ];
  return new Map(sections.map(([name, markdown]) => [name, wrapProse(markdown)]));
}

const spread = (s: Spread) => `${ms(s.median)} (${range(s)})`;

function renderWorkerTable(page: PageResults): string {
  const cases: Array<[string, string, number]> = [
    ['cold home', 'cold home', 40],
    ['home → search', 'home → search, first visit', 0],
    ['home → search', 'home → search, first visit', 40],
    ['home → search', 'home → search, first visit', 150],
    ['revisit home', 'revisit home, new tab', 40],
    ['home after release', 'home after a release', 40],
    ['offline reload', 'reload offline', 40],
  ];
  const rows = cases.map(([scenario, title, latencyMs]) => {
    const without = pageRow(page, scenario, latencyMs, 'U+P');
    const withIt = pageRow(page, scenario, latencyMs, 'U+P SW');
    const fails = (row: PageRow) => row.renderedMs.n === 0;
    const cdn = (row: PageRow) => (fails(row) ? '–' : String(row.cdnModules.median ?? 0));
    return [
      title,
      `${latencyMs} ms`,
      fails(without) ? 'fails' : spread(without.renderedMs),
      fails(withIt) ? 'fails' : spread(withIt.renderedMs),
      fails(without) || fails(withIt) ? '—' : (withIt.renderedMs.median / without.renderedMs.median).toFixed(2),
      `${fails(without) ? '–' : kb(without.bytes.median)} → ${fails(withIt) ? '–' : kb(withIt.bytes.median)}`,
      `${cdn(without)} → ${cdn(withIt)}`,
    ];
  });
  return [
    `${day(page.date)}, ${page.chromium}, ${page.machine.cpus} CPUs (${page.machine.cpuModel}), ` +
      `${page.throughputMbps} Mbit/s, ${page.reps} repetitions:`,
    table(['case', 'latency', 'without the worker', 'with it', '×', 'KB without → with', 'modules from the CDN'], rows),
  ].join('\n\n');
}

function renderWorkerFindings(page: PageResults): string {
  const at = (scenario: string, variant: string, latencyMs = 40) => pageRow(page, scenario, latencyMs, variant);
  const installs = page.latencies.map((latency) => at('home → search', 'U+P SW', latency).installAfterLoadMs?.median ?? NaN);
  const release = at('home after release', 'U+P SW');
  const added = (latencyMs: number) => {
    const delta = at('home → search', 'U+P SW', latencyMs).renderedMs.median - at('home → search', 'U+P', latencyMs).renderedMs.median;
    return `${delta >= 0 ? '+' : '−'}${ms(Math.abs(delta))} at ${latencyMs} ms`;
  };
  const firstVisit = at('cold home', 'U+P SW').bytes.median - at('cold home', 'U+P').bytes.median;
  return [
    `- **Home → search moves ${kb(at('home → search', 'U+P SW').moduleBytes ?? NaN)} KB of modules** once the worker is ` +
      `installed (without it: ${kb(at('home → search', 'U+P').moduleBytes ?? NaN)} KB): search's podlet was precached. The ` +
      `install was done ${Math.round(Math.min(...installs))}–${Math.round(Math.max(...installs))} ms (medians by latency) after home's \`load\`.`,
    `- **A release** is picked up by the next navigation's update check: the new worker was in place ` +
      `${((release.updateWaitMs?.median ?? NaN) / 1000).toFixed(1)} s later (median at 40 ms), having fetched ` +
      `${kb(release.updateBytes ?? NaN)} KB besides its script and ${release.updateCdnModules?.median ?? '–'} modules from the CDN.`,
    `- **A first visit fetches ${kb(firstVisit)} KB more** at 40 ms: the worker script, the page's HTML again for its offline ` +
      `copy, and search's module, all after \`load\`, off the page's critical path.`,
    `- **With the worker, moving between pages costs ${listOf(page.latencies.map(added))} latency** in this run: a page ` +
      `controlled by a worker pays for its requests passing through it.`,
  ].join('\n');
}

function renderFirefoxTable(firefox: FirefoxResults, page: PageResults): string {
  const row = (scenario: string, variant: string) => {
    const found = firefox.summary.find((r) => r.scenario === scenario && r.variant === variant);
    if (!found) throw new Error(`bench/results/page-firefox.json has no ${scenario} row for ${variant}`);
    return found;
  };
  const rows = ['cold home', 'home → search'].map((scenario) => [
    scenario,
    spread(row(scenario, 'U+P').renderedMs),
    spread(row(scenario, 'B').renderedMs),
    row(scenario, 'U+P').timeVsB.toFixed(2),
    (pageRow(page, scenario, firefox.latencyMs, 'U+P').timeVsB ?? NaN).toFixed(2),
  ]);
  return [
    `${day(firefox.date)}, ${firefox.firefox}, ${firefox.reps} repetitions each:`,
    table([`${firefox.latencyMs} ms`, 'U+P', 'B', 'U+P ÷ B', 'Chromium, same run'], rows),
  ].join('\n\n');
}

/** What bench/stall.ts's conditions are, in the order the table lists them; a new one is listed by its name. */
const STALL_CONDITIONS: Array<[string, string]> = [
  ['cdp-emu', 'Chromium, CDP emulation (0 ms, 10 Mbit/s)'],
  ['cdp-noemu', 'Chromium, CDP Network domain on, no emulation'],
  ['plain', 'Chromium, no CDP session'],
  ['U-emu', 'Chromium, emulation, no preloads (U)'],
  ['half-emu', 'Chromium, emulation, half the preloads'],
  ['h1-emu', 'Chromium, emulation, HTTP/1.1'],
  ['7o-emu', 'Chromium, emulation, seven origins'],
  ['7o-plain', 'Chromium, no emulation, seven origins'],
  ['firefox', 'Firefox, U+P'],
  ['firefox-7o', 'Firefox, seven origins'],
];

function renderStallTable(stalls: StallResults[]): string {
  const totals = new Map<string, { stalls: number; loads: number }>();
  for (const row of stalls.flatMap((run) => run.rows)) {
    const total = totals.get(row.condition) ?? { stalls: 0, loads: 0 };
    totals.set(row.condition, { stalls: total.stalls + row.stalls, loads: total.loads + row.loads });
  }
  const known = new Map(STALL_CONDITIONS);
  const order = [...STALL_CONDITIONS.map(([condition]) => condition), ...[...totals.keys()].filter((c) => !known.has(c))];
  const rows = order.filter((c) => totals.has(c)).map((c) => [known.get(c) ?? c, `${totals.get(c)!.stalls} / ${totals.get(c)!.loads}`]);
  return [`Runs of ${listOf([...new Set(stalls.map((run) => day(run.date)))])}:`, table(['condition', 'stalled / loads'], rows)].join(
    '\n\n',
  );
}
