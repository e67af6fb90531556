import { npmPackageOf } from './module-graph.ts';
import type { DocumentFigures } from './packages-documents.ts';
import type { PackageFigures } from './packages-graph.ts';
import { packagesBench, scenarios, TARGETS, variants, type Figures, type Sample, type Scenario, type Variant } from './packages-options.ts';
import type { OkLoadRecord, RequestRecord } from './record-requests.ts';
import { spreadOf, spreadText, type Spread } from './stats.ts';

export const kb = (bytes: number) => (bytes / 1024).toFixed(1);
export const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
export const ms = (s: Spread) => spreadText(s, 0, ' ms');

/** A JavaScript response: a module script, a modulepreload or a bundle (not the document). */
export function isModule(q: RequestRecord): boolean {
  return q.type !== 'Document' && (q.type === 'Script' || q.mimeType.includes('javascript'));
}

/** One load's figures; `podletOrigins` names the podlet behind each podlet origin (podmap 7o). */
export function figuresOf(r: OkLoadRecord, podletOrigins: Map<string, string>): Figures {
  const network = r.requests.filter((q) => !q.cached);
  const modules = network.filter(isModule);
  const sum = (list: RequestRecord[], key: 'bytes' | 'bodyBytes' = 'bytes') => list.reduce((s, q) => s + q[key], 0);
  const byPackage: Figures['byPackage'] = {};
  for (const q of modules) {
    const u = new URL(q.url);
    const key =
      npmPackageOf(q.url) ??
      (/^\/podlet\/([^/@]+)@/.exec(u.pathname) ? `podlet ${/^\/podlet\/([^/@]+)@/.exec(u.pathname)![1]}` : null) ??
      (podletOrigins.has(u.origin) ? `podlet ${podletOrigins.get(u.origin)}` : null) ??
      (u.pathname.startsWith('/bundles/') ? 'bundle' : `other ${u.pathname}`);
    const item = (byPackage[key] ??= { modules: 0, bytes: 0 });
    item.modules++;
    item.bytes += q.bytes;
  }
  return {
    renderedMs: r.renderedMs,
    ttfbMs: r.ttfbMs,
    htmlDoneMs: r.htmlDoneMs,
    requests: network.length,
    cached: r.requests.length - network.length,
    modules: modules.length,
    cachedModules: r.requests.filter((q) => q.cached && isModule(q)).length,
    bytes: sum(network),
    documentBytes: sum(network.filter((q) => q.type === 'Document')),
    moduleBytes: sum(modules),
    bodyBytes: sum(network, 'bodyBytes'),
    origins: new Set(network.map((q) => new URL(q.url).origin)).size,
    protocols: [...new Set(network.map((q) => q.protocol))].sort(),
    encodings: [...new Set(network.map((q) => q.contentEncoding || 'none'))].sort(),
    byPackage,
  };
}

/** One variant in one scenario at one latency: medians, spreads and ratios against the bundle. */
export interface Row {
  latencyMs: number;
  scenario: Scenario;
  variant: Variant;
  n: number;
  renderedMs: Spread;
  bytes: Spread;
  bodyBytes: Spread;
  documentBytes: number;
  moduleBytes: number;
  requests: number;
  cached: number;
  modules: number;
  cachedModules: number;
  origins: number;
  ttfbMs: number;
  htmlDoneMs: number;
  protocols: string[];
  encodings: string[];
  /** Median over the bundle's median. */
  timeVsBundle: number;
  bytesVsBundle: number;
  /** The same ratios per repetition (each against the bundle's load of that repetition): min–max. */
  pairedTimeVsBundle: Spread;
  pairedBytesVsBundle: Spread;
  /** Median network modules and bytes per package. */
  byPackage: Record<string, { modules: number; bytes: number }>;
}

/** Every row: per latency, per scenario, per variant. */
export function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  for (const latencyMs of packagesBench.latencies) {
    for (const scenario of scenarios) {
      const of = (variant: Variant) => samples.filter((s) => s.latencyMs === latencyMs && s.scenario === scenario && s.variant === variant);
      const base = of('bundle');
      const baseTime = spreadOf(base.map((s) => s.renderedMs)).median;
      const baseBytes = spreadOf(base.map((s) => s.bytes)).median;
      for (const variant of variants) {
        const list = of(variant);
        const median = (pick: (s: Sample) => number) => spreadOf(list.map(pick)).median;
        const paired = (pick: (s: Sample) => number) =>
          spreadOf(
            list.flatMap((s) => {
              const b = base.find((x) => x.rep === s.rep);
              return b ? [pick(s) / pick(b)] : [];
            }),
          );
        const keys = [...new Set(list.flatMap((s) => Object.keys(s.byPackage)))].sort();
        rows.push({
          latencyMs,
          scenario,
          variant,
          n: list.length,
          renderedMs: spreadOf(list.map((s) => s.renderedMs)),
          bytes: spreadOf(list.map((s) => s.bytes)),
          bodyBytes: spreadOf(list.map((s) => s.bodyBytes)),
          documentBytes: median((s) => s.documentBytes),
          moduleBytes: median((s) => s.moduleBytes),
          requests: median((s) => s.requests),
          cached: median((s) => s.cached),
          modules: median((s) => s.modules),
          cachedModules: median((s) => s.cachedModules),
          origins: median((s) => s.origins),
          ttfbMs: median((s) => s.ttfbMs),
          htmlDoneMs: median((s) => s.htmlDoneMs),
          protocols: [...new Set(list.flatMap((s) => s.protocols))].sort(),
          encodings: [...new Set(list.flatMap((s) => s.encodings))].sort(),
          timeVsBundle: median((s) => s.renderedMs) / baseTime,
          bytesVsBundle: median((s) => s.bytes) / baseBytes,
          pairedTimeVsBundle: paired((s) => s.renderedMs),
          pairedBytesVsBundle: paired((s) => s.bytes),
          byPackage: Object.fromEntries(
            keys.map((k) => [
              k,
              { modules: median((s) => s.byPackage[k]?.modules ?? 0), bytes: median((s) => s.byPackage[k]?.bytes ?? 0) },
            ]),
          ),
        });
      }
    }
  }
  return rows;
}

/** One target of the issue: the figure, its limit and whether it was met, with the margin. */
export interface Target {
  name: string;
  figure: string;
  limit: string;
  met: boolean;
  margin: string;
}

/** The four targets, at the target latency. */
export function judge(rows: Row[], packages: PackageFigures[], documents: Record<string, DocumentFigures>): Target[] {
  const row = (scenario: Scenario, variant: Variant) =>
    rows.find((r) => r.latencyMs === packagesBench.targetLatency && r.scenario === scenario && r.variant === variant)!;
  const cold = row('cold', 'podmap');
  const bundle = row('cold', 'bundle');
  const out: Target[] = [];

  // 1. Modules per imported package with one entry point: network modules of the package's folder
  // on the cold six-podlet page (median over repetitions; the graph does not change between them).
  const single = packages.filter((p) => p.specifiers.length === 1);
  const counts = single.map((p) => ({ p, modules: cold.byPackage[p.package]?.modules ?? NaN }));
  const over = counts.filter((c) => !(c.modules <= TARGETS.modulesPerPackage));
  const worst = [...counts].sort((a, b) => b.modules - a.modules)[0];
  out.push({
    name: 'modules per imported package with one entry point (cold, podmap)',
    figure: `max ${worst?.modules} (${worst?.p.package}); ${counts.length - over.length} of ${counts.length} packages within`,
    limit: `≤ ${TARGETS.modulesPerPackage} each`,
    met: over.length === 0,
    margin:
      over.length === 0
        ? `${TARGETS.modulesPerPackage - (worst?.modules ?? 0)} module(s) to spare on the largest`
        : `over: ${over.map((c) => `${c.p.package} ${c.modules} (+${c.modules - TARGETS.modulesPerPackage})`).join(', ')}`,
  });

  // 2. Bytes: everything the cold page fetched, encodedDataLength with headers, br.
  const limitBytes = TARGETS.bytesVsBundle * bundle.bytes.median;
  out.push({
    name: 'bytes over the network, cold (podmap ÷ bundle)',
    figure: `${kb(cold.bytes.median)} KB vs ${kb(bundle.bytes.median)} KB = ${cold.bytesVsBundle.toFixed(2)}×`,
    limit: `≤ ${TARGETS.bytesVsBundle}× (${kb(limitBytes)} KB)`,
    met: cold.bytesVsBundle <= TARGETS.bytesVsBundle,
    margin: `${cold.bytes.median <= limitBytes ? 'under' : 'over'} by ${kb(Math.abs(limitBytes - cold.bytes.median))} KB (${pct(cold.bytes.median / limitBytes - 1)} of the limit)`,
  });

  // 3. HTML (with the import map inline) as served with brotli.
  const doc = documents['podmap /']!;
  out.push({
    name: 'HTML plus import map, br, six-podlet page',
    figure: `${kb(doc.htmlBrBytes)} KB (map alone ${kb(doc.mapBrBytes)} KB br)`,
    limit: `≤ ${kb(TARGETS.htmlBrBytes)} KB`,
    met: doc.htmlBrBytes <= TARGETS.htmlBrBytes,
    margin: `${doc.htmlBrBytes <= TARGETS.htmlBrBytes ? 'under' : 'over'} by ${kb(Math.abs(TARGETS.htmlBrBytes - doc.htmlBrBytes))} KB (${pct(doc.htmlBrBytes / TARGETS.htmlBrBytes - 1)})`,
  });

  // 5. The second page with shaken builds against the full builds (what every page used before).
  const second = row('second page', 'podmap');
  const secondFull = row('second page', 'podmap full');
  const secondRatio = second.renderedMs.median / secondFull.renderedMs.median;
  out.push({
    name: 'second page, rendered (podmap ÷ podmap full)',
    figure: `${ms(second.renderedMs)} vs ${ms(secondFull.renderedMs)} = ${secondRatio.toFixed(2)}×; ${kb(second.bytes.median)} KB vs ${kb(secondFull.bytes.median)} KB`,
    limit: `≤ ${TARGETS.secondVsFull}× (as with full builds or better)`,
    met: secondRatio <= TARGETS.secondVsFull,
    margin: `${secondRatio <= TARGETS.secondVsFull ? 'under' : 'over'} by ${Math.abs(second.renderedMs.median - secondFull.renderedMs.median).toFixed(0)} ms`,
  });

  // 4. Cold time until all six data-ok, median over the bundle's median.
  out.push({
    name: 'cold load until rendered (podmap ÷ bundle)',
    figure: `${ms(cold.renderedMs)} vs ${ms(bundle.renderedMs)} = ${cold.timeVsBundle.toFixed(2)}× (per repetition ${cold.pairedTimeVsBundle.min.toFixed(2)}–${cold.pairedTimeVsBundle.max.toFixed(2)}×)`,
    limit: `≤ ${TARGETS.coldTimeVsBundle}× (${(TARGETS.coldTimeVsBundle * bundle.renderedMs.median).toFixed(0)} ms)`,
    met: cold.timeVsBundle <= TARGETS.coldTimeVsBundle,
    margin: `${cold.timeVsBundle <= TARGETS.coldTimeVsBundle ? 'under' : 'over'} by ${Math.abs(TARGETS.coldTimeVsBundle * bundle.renderedMs.median - cold.renderedMs.median).toFixed(0)} ms (${Math.abs(cold.timeVsBundle - TARGETS.coldTimeVsBundle).toFixed(2)}×)`,
  });
  return out;
}
