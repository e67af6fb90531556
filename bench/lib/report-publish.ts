import { markdownTable, type Spread } from './stats.ts';
import { pairedRatio, summarisePublish, type PublishRun, type PublishSummary, type PublishVersion } from './measure-publish.ts';

/** Per 1,000 files at the largest size over at the smallest beyond this, publishing is called super-linear. */
export const LINEAR_TOLERANCE = 1.2;

/** What the publish report says about one version's growth with size. */
export interface Linearity {
  version: string;
  /** Median wall-clock ms per 1,000 files at the largest size ÷ at the smallest. */
  growth: number;
  /** The same of CPU ms per 1,000 files. */
  cpuGrowth: number;
  /** From the CPU time, which the machine's other load disturbs less than the wall clock. */
  verdict: 'linear' | 'super-linear' | 'sub-linear';
}

/**
 * Whether each version's median time per 1,000 files stays flat from the smallest size to the
 * largest: super-linear when it grows by more than LINEAR_TOLERANCE, sub-linear when it falls by
 * as much (a fixed cost spread over more files).
 */
export function judgeLinearity(runs: readonly PublishRun[], versions: readonly PublishVersion[]): Linearity[] {
  const summaries = summarisePublish(runs);
  return versions.map(({ label }) => {
    const mine = summaries.filter((s) => s.version === label).sort((a, b) => a.files - b.files);
    const [first, last] = [mine[0], mine.at(-1)];
    const ratio = (of: (s: PublishSummary) => number) => (first && last && first !== last ? of(last) / of(first) : Number.NaN);
    const growth = ratio((s) => s.msPer1000.median);
    const cpuGrowth = ratio((s) => s.cpuMsPer1000.median);
    const verdict = cpuGrowth > LINEAR_TOLERANCE ? 'super-linear' : cpuGrowth < 1 / LINEAR_TOLERANCE ? 'sub-linear' : 'linear';
    return { version: label, growth, cpuGrowth, verdict };
  });
}

/**
 * The markdown of bench/results/cdn-publish.md: per size, each version's ms per 1,000 files
 * (median, min–max), new ÷ old per round, the browser build's module count and peak memory,
 * then the linearity verdict per version and any note (a version left out, and why).
 */
export function reportPublish(
  runs: readonly PublishRun[],
  versions: readonly PublishVersion[],
  context: { date: string; machine: string; rounds: number; sizes: readonly number[]; notes: readonly string[] },
): string {
  const [older, newer] = versions.length === 2 ? versions : [undefined, versions[0]!];
  const { header, rows } = publishTable(runs, older, newer!, context.sizes);
  const linearity = judgeLinearity(runs, versions).map(
    (l) =>
      `- ${l.version}: at ${Math.max(...context.sizes).toLocaleString('en-US')} files, ${l.cpuGrowth.toFixed(2)}× the CPU time per 1,000 files ` +
      `it takes at ${Math.min(...context.sizes).toLocaleString('en-US')} (wall clock ${l.growth.toFixed(2)}×): **${l.verdict}**.`,
  );
  return [
    '# CDN benchmark: publishing large tarballs',
    '',
    `\`npm run bench:cdn\` — ${context.date}, ${context.machine}. The machine is shared: wall-clock figures include time the OS gave to other processes; compare medians and ratios.`,
    '',
    'Each tarball is a generated icon set (bench/lib/generate-icon-tarball.ts) with exactly that many files, package.json included: per icon an ES module, a ' +
      'CommonJS module and their two declarations at the package root, indexes re-exporting every icon, `exports` with "." and "./*". ' +
      'Every publish is `publishTarball()` of the version under test, timed alone in a fresh Node process, on an empty store after a ' +
      `200-file warm-up publish into it. ${context.rounds} rounds; in each, both versions publish every size, in alternating order. ` +
      'Median (min–max) over the rounds; new ÷ old is the ratio of the two publishes of the same round, median (min–max). ' +
      'CPU is user + system time of the publishing process (its zlib and fs thread pool included) and of the processes it started (esbuild).',
    '',
    markdownTable(header, rows),
    '',
    `Versions: old is ${older?.label ?? '(left out)'}, new is ${newer!.label}. Linear: CPU time per 1,000 files from the smallest size to the largest, ` +
      `flat within ${LINEAR_TOLERANCE}× (the wall clock moves with the machine's other load).`,
    '',
    ...linearity,
    ...(context.notes.length ? ['', ...context.notes.map((n) => `Note: ${n}`)] : []),
    '',
  ].join('\n');
}

/** The table's header and rows: per size, each version's figures and the paired ratios. */
function publishTable(
  runs: readonly PublishRun[],
  older: PublishVersion | undefined,
  newer: PublishVersion,
  sizes: readonly number[],
): { header: string[]; rows: string[][] } {
  const summaries = summarisePublish(runs);
  const cell = (s: Spread) => `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
  const ratio = (s: Spread) => (s.n ? `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : '–');
  const rows = sizes.map((files) => {
    const of = (v: PublishVersion | undefined) => summaries.find((s) => s.version === v?.label && s.files === files);
    const [o, n] = [of(older), of(newer)];
    const both = (pick: (s: PublishSummary) => Spread) => [...(older ? [o ? cell(pick(o)) : '–'] : []), n ? cell(pick(n)) : '–'];
    const paired = (measure: 'ms' | 'cpuMs') => (older ? [ratio(pairedRatio(runs, files, newer.label, older.label, measure))] : []);
    return [
      files.toLocaleString('en-US'),
      ...both((s) => s.msPer1000),
      ...paired('ms'),
      ...both((s) => s.cpuMsPer1000),
      ...paired('cpuMs'),
      [o, n].map((s) => (s ? (s.ms.median / 1000).toFixed(1) : '–')).join(' / '),
      n ? String(n.built) : '–',
      [o, n].map((s) => (s ? s.maxRssMiB.toFixed(0) : '–')).join(' / '),
    ];
  });
  const versionsCell = older ? 'old / new' : 'new';
  const header = [
    'files',
    ...(older ? ['old: ms per 1,000 files'] : []),
    'new: ms per 1,000 files',
    ...(older ? ['new ÷ old'] : []),
    ...(older ? ['old: CPU ms per 1,000'] : []),
    'new: CPU ms per 1,000',
    ...(older ? ['new ÷ old, CPU'] : []),
    `s per publish (${versionsCell})`,
    'new: built modules',
    `peak RSS MiB (${versionsCell})`,
  ];
  return { header, rows };
}
