import type { Bundles } from './build-bundles.ts';
import { renderModulesMarkdown, type ShakenStates } from './page-modules-markdown.ts';
import { breakDown, fetchBodies, type ModuleBreakdown } from './page-modules.ts';
import type { Sample } from './page-options.ts';
import { spreadOf } from './stats.ts';
import { writeResults } from './write-results.ts';

/** The podmap variants broken down, each against its bundle (the same pages, one esbuild bundle each). */
const pairs = [
  { variant: 'U+P', against: 'B', kind: 'b' },
  { variant: 'U+P SSR', against: 'B SSR', kind: 'h' },
] as const;

/**
 * Writes bench/results/page-modules.json and .md: the cold home page's modules at `latencyMs`,
 * package by package, for U+P against B and U+P SSR against B SSR (page-modules.ts), from the
 * first load of each that recorded its modules, and the CDN's shaken-build states the run
 * measured with. Then removes the module lists from the samples, which page.json keeps without
 * them. Run while the servers are up: the modules' bodies are fetched again.
 */
export async function writeModulesReport(
  root: string,
  run: { samples: Sample[]; bundles: Bundles; states: ShakenStates; latencyMs: number; date: string },
): Promise<ModuleBreakdown[]> {
  const coldHome = (variant: string) =>
    run.samples.filter((s) => !s.failed && s.scenario === 'cold home' && s.variant === variant && s.latencyMs === run.latencyMs);
  const breakdowns: ModuleBreakdown[] = [];
  for (const { variant, against, kind } of pairs) {
    const ours = coldHome(variant).find((s) => s.modules);
    const theirs = coldHome(against).find((s) => s.modules);
    const bundleResponse = theirs?.modules?.find((m) => new URL(m.url).pathname.startsWith(`/bundles/${kind}/home-`));
    if (!ours?.modules || !bundleResponse) continue;
    const bodies = await fetchBodies(ours.modules.map((m) => m.url));
    const inputs = run.bundles.inputs[kind].home!;
    breakdowns.push(breakDown(root, { variant, against }, ours.modules, { response: bundleResponse, inputs }, bodies));
  }
  const totals = Object.fromEntries(
    pairs
      .flatMap((p) => [p.variant, p.against])
      .map((variant) => {
        const spread = spreadOf(coldHome(variant).map((s) => s.moduleBytes / 1024));
        return [variant, `${spread.median.toFixed(2)} (${spread.min.toFixed(2)}–${spread.max.toFixed(2)}), ${spread.n} loads`];
      }),
  );
  const md = renderModulesMarkdown(breakdowns, { date: run.date, latencyMs: run.latencyMs, states: run.states, totals });
  const json = { date: run.date, latencyMs: run.latencyMs, shaken: run.states, totals, breakdowns };
  await writeResults('page-modules', json, md, { print: false });
  for (const sample of run.samples) delete sample.modules;
  return breakdowns;
}
