import { markdownTable, type Spread } from './stats.ts';
import { pairedRatio, summarisePublish, type PublishRun, type PublishSummary, type PublishVersion } from './measure-publish.ts';

/** A rise in time per 1,000 files beyond this factor from one size to the next counts as growth. */
export const LINEAR_TOLERANCE = 1.2;

/** What the publish report says about one version's growth with size. */
export interface Linearity {
  version: string;
  /** Median CPU ms per 1,000 files at each size, smallest first. */
  cpuMsPer1000: Array<{ files: number; median: number }>;
  /** Median CPU ms per 1,000 files at the largest size ÷ at the smallest. */
  overall: number;
  /** The largest rise from one size to the next: median ÷ median, and whether the rounds' ranges overlap. */
  worstStep: { from: number; to: number; growth: number; overlapping: boolean } | null;
  verdict: 'linear' | 'super-linear' | 'sub-linear';
}

/**
 * Whether each version's CPU time per 1,000 files (which the machine's other load disturbs less
 * than the wall clock) stays flat as size grows: super-linear when it rises by more than
 * LINEAR_TOLERANCE from one size to the next and every round of the larger size is above every
 * round of the smaller, so noise alone cannot make the call; sub-linear when it falls by as much
 * from the smallest size to the largest (a fixed cost spread over more files); else linear.
 */
export function judgeLinearity(runs: readonly PublishRun[], versions: readonly PublishVersion[]): Linearity[] {
  const summaries = summarisePublish(runs);
  return versions.map(({ label }) => {
    const mine = summaries.filter((s) => s.version === label).sort((a, b) => a.files - b.files);
    let worstStep: Linearity['worstStep'] = null;
    let rising = false;
    for (let i = 1; i < mine.length; i++) {
      const [before, after] = [mine[i - 1]!.cpuMsPer1000, mine[i]!.cpuMsPer1000];
      const growth = after.median / before.median;
      const overlapping = after.min <= before.max;
      if (growth > LINEAR_TOLERANCE && !overlapping) rising = true;
      if (!worstStep || growth > worstStep.growth) worstStep = { from: mine[i - 1]!.files, to: mine[i]!.files, growth, overlapping };
    }
    const overall = mine.length > 1 ? mine.at(-1)!.cpuMsPer1000.median / mine[0]!.cpuMsPer1000.median : Number.NaN;
    const verdict = rising ? 'super-linear' : overall < 1 / LINEAR_TOLERANCE ? 'sub-linear' : 'linear';
    const cpuMsPer1000 = mine.map((s) => ({ files: s.files, median: s.cpuMsPer1000.median }));
    return { version: label, cpuMsPer1000, overall, worstStep, verdict };
  });
}

const verdictText: Record<Linearity['verdict'], string> = {
  linear: '**linear**',
  'super-linear': '**super-linear**: it grows faster than the file count',
  'sub-linear': '**linear at most**: it falls as size grows (a fixed cost spread over more files)',
};

/**
 * The markdown of bench/results/cdn-publish.md: per size, each version's ms per 1,000 files
 * (median, min–max), new ÷ old per round, the browser build's module count and peak memory,
 * then the linearity verdict per version and any note (a version left out, and why).
 */
export function reportPublish(
  runs: readonly PublishRun[],
  versions: readonly PublishVersion[],
  context: { date: string; machine: string; rounds: number; sizes: readonly number[]; notes: readonly string[]; minutes: number },
): string {
  const [older, newer] = versions.length === 2 ? versions : [undefined, versions[0]!];
  const { header, rows } = publishTable(runs, older, newer!, context.sizes);
  const count = (n: number) => n.toLocaleString('en-US');
  const linearity = judgeLinearity(runs, versions).map((l) => {
    const bySize = l.cpuMsPer1000.map((s) => s.median.toFixed(0)).join(' → ');
    const step = l.worstStep
      ? `; largest rise from one size to the next ${l.worstStep.growth.toFixed(2)}× (${count(l.worstStep.from)} → ${count(l.worstStep.to)} files, ` +
        `rounds ${l.worstStep.overlapping ? 'overlapping' : 'apart'})`
      : '';
    return `- ${l.version}: CPU ms per 1,000 files ${bySize}; largest size ÷ smallest ${l.overall.toFixed(2)}×${step}: ${verdictText[l.verdict]}.`;
  });
  return [
    '# CDN benchmark: publishing large tarballs',
    '',
    `\`npm run bench:cdn\` — ${context.date}, ${context.machine}. The machine is shared: wall-clock figures include time the OS gave to other processes; compare medians and ratios.`,
    '',
    'Each tarball is a generated icon set (bench/lib/generate-icon-tarball.ts) with exactly that many files, package.json included: per icon an ES module, a ' +
      'CommonJS module and their two declarations at the package root, indexes re-exporting every icon, `exports` with "." and "./*". ' +
      'Every publish is `publishTarball()` of the version under test, timed alone in a fresh Node process, on an empty store after a ' +
      `200-file warm-up publish into it. ${context.rounds} rounds; in each, both versions publish every size, in alternating order ` +
      `(${context.minutes.toFixed(0)} minutes in all). ` +
      'Median (min–max) over the rounds; new ÷ old is the ratio of the two publishes of the same round, median (min–max). ' +
      'CPU is user + system time of the publishing process (its zlib and fs thread pool included) and of the processes it started (esbuild).',
    '',
    markdownTable(header, rows),
    '',
    `Versions: old is ${older?.label ?? '(left out)'}, new is ${newer!.label}. Linear or not, from the CPU time per 1,000 files (the wall clock moves ` +
      `more with the machine's other load): super-linear if it rises by more than ${LINEAR_TOLERANCE}× from one size to the next with every round ` +
      `of the larger size above every round of the smaller; sub-linear if it falls by as much from the smallest size to the largest (a fixed cost ` +
      `spread over more files).`,
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
