import type { PodletSeen, SeenTimes } from './page-probe.ts';
import { markdownTable, spreadOf, spreadText, type Spread } from './stats.ts';

/** What the targets read of one load: its render time and what a person saw (Chromium's and Firefox's samples alike). */
export type SeenSample = SeenTimes & { renderedMs: number };

/** One line of the server-rendering comparison: a figure of U+P SSR against another variant's, with its target if it has one. */
export interface TargetRow {
  figure: string;
  /** U+P SSR's figure, and what it is compared with. */
  value: Spread;
  against: Spread;
  againstName: string;
  /** value's median over against's. */
  ratio: number;
  /** The target ratio (≤), where the issue sets one; `met` then says whether the ratio is within it. */
  limit?: number;
  met?: boolean;
}

/**
 * On screen, counting only the podlets that render on the server (`modes` not 'client'): the later
 * of FCP and their content. The demo's geo stays on the client (docs/render-modes.md), so on a page
 * with it "on screen" waits for its module; this says what the server-rendered part gives.
 */
export function serverShownMs(s: SeenSample, modes: Record<string, string>): number | undefined {
  const podlets = Object.entries(s.podletsSeen ?? {}).filter(([name]) => (modes[name] ?? 'client') !== 'client');
  const times = podlets.map(([, p]: [string, PodletSeen]) => p.contentMs);
  if (s.fcpMs === undefined || podlets.length === 0 || times.some((t) => t === undefined)) return undefined;
  return Math.max(s.fcpMs, ...(times as number[]));
}

const spreadBy = (list: SeenSample[], pick: (s: SeenSample) => number | undefined): Spread =>
  spreadOf(list.flatMap((s) => (typeof pick(s) === 'number' ? [pick(s)!] : [])));

/**
 * The targets for server rendering, on one scenario's samples by variant (`of`), and the
 * figures that explain them: U+P SSR's content on screen against U+P's rendered time (≤ 0.5×) and
 * B SSR's content on screen (≤ 1.05×), its interactive against B SSR's (≤ 1.1×); then, without a
 * target, content in the DOM, the server-rendered podlets alone, FCP, LCP and interactive against
 * the client-rendered U+P. The targets are set for a cold home: `withTargets` false (other
 * scenarios) gives the same figures without a verdict.
 */
export function ssrTargets(
  of: (variant: string) => SeenSample[],
  modes: Record<string, Record<string, string>>,
  withTargets = true,
): TargetRow[] {
  const ssr = of('U+P SSR');
  const line = (figure: string, [pick, name, base, limit]: Comparison) => {
    const [value, against] = [spreadBy(ssr, pick), spreadBy(of(name), base)];
    const ratio = value.median / against.median;
    const target = limit === undefined || !withTargets ? {} : { limit, met: ratio <= limit };
    return { figure, value, against, againstName: name, ratio, ...target };
  };
  const serverShown = (variant: string) => (s: SeenSample) => serverShownMs(s, modes[variant] ?? {});
  const key = (k: 'shownMs' | 'contentMs' | 'interactiveMs' | 'fcpMs' | 'lcpMs') => (s: SeenSample) => s[k];
  const rendered = (s: SeenSample) => s.renderedMs;
  const lines: Array<[string, Comparison]> = [
    ['content on screen ÷ U+P rendered', [key('shownMs'), 'U+P', rendered, 0.5]],
    ['content on screen ÷ B SSR content on screen', [key('shownMs'), 'B SSR', key('shownMs'), 1.05]],
    ['interactive ÷ B SSR interactive', [key('interactiveMs'), 'B SSR', key('interactiveMs'), 1.1]],
    ['content in the DOM ÷ U+P rendered', [key('contentMs'), 'U+P', rendered]],
    ['server-rendered podlets on screen ÷ U+P rendered', [serverShown('U+P SSR'), 'U+P', rendered]],
    ['server-rendered podlets on screen ÷ B SSR’s', [serverShown('U+P SSR'), 'B SSR', serverShown('B SSR')]],
    ['FCP ÷ B SSR FCP', [key('fcpMs'), 'B SSR', key('fcpMs')]],
    ['LCP ÷ B SSR LCP', [key('lcpMs'), 'B SSR', key('lcpMs')]],
    ['FCP ÷ U+P FCP', [key('fcpMs'), 'U+P', key('fcpMs')]],
    ['interactive ÷ U+P interactive', [key('interactiveMs'), 'U+P', key('interactiveMs')]],
  ];
  return lines.map(([figure, comparison]) => line(figure, comparison));
}

/** What U+P SSR's figure is (pick), against which variant's figure (name, base), and the target ratio if there is one. */
type Comparison = [pick: (s: SeenSample) => number | undefined, name: string, base: (s: SeenSample) => number | undefined, limit?: number];

/** The targets as a Markdown table: each figure's medians (min–max), their ratio, the target and whether it is met. */
export function targetsTable(rows: TargetRow[]): string {
  return markdownTable(
    ['U+P SSR', 'U+P SSR ms', 'against', 'its ms', 'ratio', 'target'],
    rows.map((r) => [
      r.figure,
      spreadText(r.value),
      r.againstName,
      spreadText(r.against),
      Number.isNaN(r.ratio) ? '–' : `${r.ratio.toFixed(2)}×`,
      r.limit === undefined ? '—' : `≤ ${r.limit}×: ${r.met ? 'met' : 'missed'}`,
    ]),
  );
}

/**
 * Per podlet, for each variant in `variants`: its content and interactive medians (ms) and how
 * its shadow root came to be (page-probe.ts, ShownBy; several when loads differed).
 */
export function podletTable(of: (variant: string) => SeenSample[], variants: readonly string[], podlets: readonly string[]): string {
  const cell = (list: SeenSample[], name: string) => {
    const seen = list.map((s) => s.podletsSeen?.[name]).filter((p): p is PodletSeen => p !== undefined);
    const median = (key: 'contentMs' | 'interactiveMs') => spreadOf(seen.flatMap((p) => (p[key] === undefined ? [] : [p[key]]))).median;
    const how = [...new Set(seen.map((p) => p.shownBy ?? '?'))].join('/');
    return seen.length === 0 ? '–' : `${median('contentMs').toFixed(0)} / ${median('interactiveMs').toFixed(0)} (${how})`;
  };
  const rows = variants.filter((v) => of(v).length > 0).map((v) => [v, ...podlets.map((name) => cell(of(v), name))]);
  return markdownTable(['variant', ...podlets.map((name) => `${name}: content / interactive ms`)], rows);
}

/**
 * The server-rendering section of a results file: for each scenario in `scenarios` (samples by
 * variant from `of`), the targets table (cold home: the targets; elsewhere the same
 * figures, for information) and the per-podlet table of `variants`. Returns the Markdown lines
 * and the rows, for the JSON.
 */
export function ssrSection(
  scenarios: readonly string[],
  of: (scenario: string, variant: string) => SeenSample[],
  options: { modes: Record<string, Record<string, string>>; variants: readonly string[]; podlets: (scenario: string) => readonly string[] },
): { lines: string[]; targets: Record<string, TargetRow[]> } {
  const lines: string[] = [];
  const targets: Record<string, TargetRow[]> = {};
  for (const scenario of scenarios) {
    if (of(scenario, 'U+P SSR').length === 0) continue;
    targets[scenario] = ssrTargets((v) => of(scenario, v), options.modes, scenario === 'cold home');
    lines.push(`### ${scenario}`, '', targetsTable(targets[scenario]), '');
    lines.push(
      podletTable((v) => of(scenario, v), options.variants, options.podlets(scenario)),
      '',
    );
  }
  return { lines, targets };
}

/** What the server-rendering section measures, and each variant's podlets' render modes (`modes`, from their podmap.json). */
export function ssrIntroduction(modes: Record<string, Record<string, string>>): string {
  const describe = (variant: string) =>
    Object.entries(modes[variant] ?? {})
      .map(([name, mode]) => `${name} ${mode}`)
      .join(', ');
  const client = Object.keys(modes).filter((v) => Object.values(modes[v]!).every((m) => m === 'client'));
  return (
    `U+P SSR is the demo as it is (${describe('U+P SSR')}), hydrated through the import map; B SSR the same server-rendered ` +
    'HTML hydrated by one esbuild bundle per page whose entry imports lit’s hydrate support before lit, with no import map ' +
    `(nor the layout’s hydration guard, an inline script). ${client.join(', ')} run every podlet in 'client' mode ` +
    '(PODMAP_DEMO_RENDER=client), as before server rendering, so they compare with earlier runs. ' +
    'Targets (cold home): U+P SSR’s content on screen at most 0.5× U+P’s rendered time and 1.05× B SSR’s content on screen; its ' +
    'interactive at most 1.1× B SSR’s. Medians (min–max) over the repetitions, the ratio of the medians. geo renders on the client in ' +
    'every variant, so on home and search “content” and “interactive” wait for its module; “server-rendered podlets on screen” leaves ' +
    'it out (geo’s own server HTML, its default place in light DOM, shows with them, in every variant). Per podlet: the medians of its content and interactive moments, and how its shadow root came to be in those loads.'
  );
}
