import { pageBench, scenarios, variants, type Sample, type Scenario, type Variant } from './page-options.ts';
import { spreadOf, type Spread } from './stats.ts';

/** One variant in one scenario at one latency: medians (and spreads) over its samples. */
export interface Row {
  scenario: Scenario;
  latencyMs: number;
  variant: Variant;
  /** Samples, and of them loads that could not happen at all (offline without a worker). */
  n: number;
  failed: number;
  renderedMs: Spread;
  requests: number;
  cached: number;
  fromWorker: number;
  workerRequests: number;
  bytes: Spread;
  moduleBytes: number;
  cdnModules: Spread;
  workerScriptFetches: number;
  documentBytes: number;
  scriptBytes: number;
  origins: number;
  chainDepth: number;
  ttfbMs: number;
  htmlDoneMs: number;
  lastResourceMs: number;
  protocols: string[];
  /** U+P SW, home → search: the wait for the install before it, and what the worker fetched then. */
  installAfterLoadMs?: Spread;
  installWaitMs?: Spread;
  installBytes?: number;
  installCdnModules?: Spread;
  /** U+P SW, home after release: the worker's update after it. */
  updateWaitMs?: Spread;
  updateBytes?: number;
  updateCdnModules?: Spread;
  updateScriptFetches?: number;
  updateScriptBytes?: number;
  /** What a person sees (page-probe.ts): medians and spreads over the samples that have the figure (LCP: none in a browser without it). */
  fcpMs: Spread;
  lcpMs: Spread;
  contentMs: Spread;
  shownMs: Spread;
  interactiveMs: Spread;
  /** Median render time and median bytes, each over B's (NaN where B has no such scenario). */
  timeVsB: number;
  bytesVsB: number;
  /** Each of what a person sees, its median over B's (NaN where B has no such scenario or figure). */
  seenVsB: Record<SeenKey, number>;
}

/** The figures of what a person sees, in the order the tables give them. */
export const seenKeys = ['fcpMs', 'lcpMs', 'contentMs', 'shownMs', 'interactiveMs'] as const;
export type SeenKey = (typeof seenKeys)[number];

/** A spread over the samples that have `key` (a browser without LCP gives an empty one: "n/a", never a made-up number). */
export const seenSpread = <S extends Partial<Record<SeenKey, number>>>(list: S[], key: SeenKey): Spread =>
  spreadOf(list.flatMap((s) => (typeof s[key] === 'number' ? [s[key]] : [])));

/** Each figure of what a person sees in `list`, and its median over `baseline`'s. */
export function seenOf<S extends Partial<Record<SeenKey, number>>>(list: S[], baseline: S[]) {
  const spreads = Object.fromEntries(seenKeys.map((key) => [key, seenSpread(list, key)])) as Record<SeenKey, Spread>;
  const seenVsB = Object.fromEntries(seenKeys.map((key) => [key, spreads[key].median / seenSpread(baseline, key).median])) as Record<
    SeenKey,
    number
  >;
  return { ...spreads, seenVsB };
}

/** The figures a row gives as the median over its samples. */
const medianKeys = [
  'requests',
  'cached',
  'fromWorker',
  'workerRequests',
  'moduleBytes',
  'documentBytes',
  'scriptBytes',
  'origins',
  'chainDepth',
  'ttfbMs',
  'htmlDoneMs',
  'lastResourceMs',
] as const;
type MedianKey = (typeof medianKeys)[number];
type OptionalKey =
  | 'cdnModules'
  | 'workerScriptFetches'
  | 'installAfterLoadMs'
  | 'installWaitMs'
  | 'installBytes'
  | 'installCdnModules'
  | 'updateWaitMs'
  | 'updateBytes'
  | 'updateCdnModules'
  | 'updateScriptFetches'
  | 'updateScriptBytes';

/** Every variant's row, per scenario and latency, in that order. */
export function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    for (const latencyMs of pageBench.latencies) {
      const all = (variant: Variant) =>
        samples.filter((s) => s.scenario === scenario && s.latencyMs === latencyMs && s.variant === variant);
      const base = all('B').filter((s) => !s.failed);
      const baseline = {
        time: spreadOf(base.map((s) => s.renderedMs)).median,
        bytes: spreadOf(base.map((s) => s.bytes)).median,
        samples: base,
      };
      for (const variant of variants) {
        if (all(variant).length > 0) rows.push(rowOf(scenario, latencyMs, variant, all(variant), baseline));
      }
    }
  }
  return rows;
}

/** One row from a variant's samples (`all`, failed loads included) against B's medians. */
function rowOf(
  scenario: Scenario,
  latencyMs: number,
  variant: Variant,
  all: Sample[],
  baseline: { time: number; bytes: number; samples: Sample[] },
): Row {
  const list = all.filter((s) => !s.failed);
  const median = (key: MedianKey) => spreadOf(list.map((s) => s[key])).median;
  const optional = (key: OptionalKey) => spreadOf(list.flatMap((s) => (s[key] === undefined ? [] : [s[key]])));
  const renderedMs = spreadOf(list.map((s) => s.renderedMs));
  const bytes = spreadOf(list.map((s) => s.bytes));
  return {
    scenario,
    latencyMs,
    variant,
    n: all.length,
    failed: all.length - list.length,
    renderedMs,
    bytes,
    ...(Object.fromEntries(medianKeys.map((key) => [key, median(key)])) as Record<MedianKey, number>),
    cdnModules: optional('cdnModules'),
    workerScriptFetches: optional('workerScriptFetches').median,
    protocols: [...new Set(list.flatMap((s) => s.protocols))].sort(),
    ...(optional('installWaitMs').n > 0
      ? {
          installAfterLoadMs: optional('installAfterLoadMs'),
          installWaitMs: optional('installWaitMs'),
          installBytes: optional('installBytes').median,
          installCdnModules: optional('installCdnModules'),
        }
      : {}),
    ...(optional('updateWaitMs').n > 0
      ? {
          updateWaitMs: optional('updateWaitMs'),
          updateBytes: optional('updateBytes').median,
          updateCdnModules: optional('updateCdnModules'),
          updateScriptFetches: optional('updateScriptFetches').median,
          updateScriptBytes: optional('updateScriptBytes').median,
        }
      : {}),
    ...seenOf(list, baseline.samples),
    timeVsB: renderedMs.median / baseline.time,
    bytesVsB: bytes.median / baseline.bytes,
  };
}
