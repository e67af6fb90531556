import type { PodletBundles } from './build-podlet-bundles.ts';
import type { DocumentFigures } from './packages-documents.ts';
import type { PackageFigures } from './packages-graph.ts';
import { packagesBench, secondPodlets, sixPodlets, TARGETS } from './packages-options.ts';
import { kb, ms, type Row, type Target } from './packages-summary.ts';
import { markdownTable, type describeMachine } from './stats.ts';

/** What bench/results/packages.md is made of. */
export interface PackagesReport {
  date: string;
  chromium: string;
  machine: Awaited<ReturnType<typeof describeMachine>>;
  summary: Row[];
  targets: Target[];
  packages: PackageFigures[];
  /** "name@version" → minified bytes of its modules on the page with full builds (podmap full). */
  fullBytes: Record<string, number>;
  documents: Record<string, DocumentFigures>;
  bundles: Pick<PodletBundles, 'sizes' | 'bytesByPackage'>;
  failures: string[];
}

/** bench/results/packages.md: how it was run, the targets, the page loads, modules per package, HTML and map. */
export function renderPackagesMarkdown(report: PackagesReport): string {
  const out = [...introduction(report), ...loadTables(report.summary), ...packageTable(report), ...documentTable(report)];
  if (report.failures.length > 0) out.push('## Failures', '', ...report.failures.map((f) => `- ${f}`), '');
  return out.join('\n');
}

function introduction(report: PackagesReport): string[] {
  const { machine } = report;
  const { reps, latencies, targetLatency } = packagesBench;
  return [
    '# bench:packages — six real-packages podlets: podmap against one esbuild bundle',
    '',
    `${report.date} · ${report.chromium} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node}`,
    '',
    `${reps} repetitions per variant and latency, variants shuffled in each; HTTP/2 over TLS on 127.0.0.1; CDP emulation ` +
      `${latencies.join(', ')} ms latency (targets at ${targetLatency} ms; others are diagnostics), 10 Mbit/s both ways; ` +
      '0 ms without any emulation (no cap either: Chromium’s emulation at 0 ms stalls cold loads, page-stall.md). ' +
      `Pages: \`/\` (${sixPodlets.join(', ')}) and \`/second\` ` +
      `(${secondPodlets.join(', ')}), loaded cold in a fresh browser context and then in the same tab. ` +
      'podmap: libraries from the CDN’s browser builds shaken to what the site imports (docs/shaken-builds.md), podlet ' +
      'modules from their CDN releases; podmap full: the same from a CDN without shaken builds (every full build); podmap 7o: each podlet serves ' +
      'its own module (the real-packages test’s wiring); bundle: the same layout page with one esbuild bundle per page ' +
      '(minified, NODE_ENV production, served br from the layout’s origin). ' +
      'Rendered: performance.now() when every podlet has set data-ok (median, min–max). ' +
      'KB: everything from the network, CDP encodedDataLength with headers (body only in brackets); brotli asked for ' +
      'everywhere (the encodings column lists what came back). ' +
      'Modules: JavaScript responses from the network (cache hits apart). × bundle: median over the bundle’s median; ' +
      'per-repetition ratios in the targets.',
    '',
    `## Targets (${targetLatency} ms latency)`,
    '',
    markdownTable(
      ['target', 'figure', 'limit', 'result'],
      report.targets.map((t) => [t.name, t.figure, t.limit, `${t.met ? 'met' : 'missed'}: ${t.margin}`]),
    ),
    '',
  ];
}

const loadHeader = [
  'scenario',
  'variant',
  'rendered',
  '× bundle',
  'requests',
  'modules',
  'cached modules',
  'origins',
  'KB (body KB)',
  '× bundle bytes',
  'HTML KB',
  'JS KB',
  'HTML done ms',
  'encodings',
];

/** A table of page loads per latency. */
function loadTables(summary: Row[]): string[] {
  return packagesBench.latencies.flatMap((latencyMs) => [
    `## Page loads, ${latencyMs} ms latency${latencyMs === packagesBench.targetLatency ? '' : ' (diagnostic)'}`,
    '',
    markdownTable(
      loadHeader,
      summary
        .filter((r) => r.latencyMs === latencyMs)
        .map((r) => [
          r.scenario,
          r.variant,
          ms(r.renderedMs),
          r.timeVsBundle.toFixed(2),
          String(r.requests),
          String(r.modules),
          String(r.cachedModules),
          String(r.origins),
          `${kb(r.bytes.median)} (${kb(r.bodyBytes.median)})`,
          r.bytesVsBundle.toFixed(2),
          kb(r.documentBytes),
          kb(r.moduleBytes),
          r.htmlDoneMs.toFixed(0),
          r.encodings.join(', '),
        ]),
    ),
    '',
  ]);
}

const packageHeader = [
  'package',
  'imported as',
  'by',
  'own modules, cold',
  'KB br, cold',
  'shaken KB min',
  'full KB min',
  'bundle KB min',
  'own modules, second page',
  'graph modules',
  'graph reaches',
  'target',
];

/** Modules per package at the target latency, and the totals under it. */
function packageTable(report: PackagesReport): string[] {
  const { targetLatency } = packagesBench;
  const podmapRow = (scenario: string) =>
    report.summary.find((r) => r.latencyMs === targetLatency && r.scenario === scenario && r.variant === 'podmap')!;
  const [cold, second] = [podmapRow('cold'), podmapRow('second page')];
  const bundled = report.bundles.bytesByPackage['/'] ?? {};
  const rows = report.packages.map((p) => {
    const [c, s] = [cold.byPackage[p.package], second.byPackage[p.package]];
    const target = p.specifiers.length === 1 ? ((c?.modules ?? 0) <= TARGETS.modulesPerPackage ? 'met' : 'missed') : '';
    const specifiers = p.specifiers.map((x) => `\`${x}\``).join(', ') || '(dependency)';
    const graph = p.closureModules ? String(p.closureModules) : '';
    return [
      p.package,
      specifiers,
      p.podlets.join(', '),
      String(c?.modules ?? 0),
      kb(c?.bytes ?? 0),
      kb(p.rawBytes),
      kb(report.fullBytes[p.package] ?? 0),
      kb(bundled[p.package] ?? 0),
      String(s?.modules ?? 0),
      graph,
      p.reaches.join(', '),
      target,
    ];
  });
  const libraryBytes = Object.entries(bundled)
    .filter(([k]) => !k.startsWith('podlet '))
    .reduce((n, [, v]) => n + v, 0);
  const podletModules = Object.entries(cold.byPackage).filter(([k]) => k.startsWith('podlet '));
  return [
    `## Modules per package (podmap, ${targetLatency} ms)`,
    '',
    'Own: modules of `/npm/<name>@<version>/` fetched from the network (median); KB br: their bytes on the wire, ' +
      'headers included; shaken KB min: the same modules decoded (the shaken builds, where the CDN made one); full KB min: ' +
      'the modules of that package on the page of `podmap full` (its full browser build). Bundle KB min: what esbuild kept of that package in the ' +
      'six-podlet bundle (metafile bytesInOutput, minified, before brotli). Graph: modules reached from the ' +
      'entry points the podlets import, dependencies included, by static imports. One-entry packages are held to the ' +
      `≤ ${TARGETS.modulesPerPackage} target; packages with no specifier are only reached as dependencies.`,
    '',
    markdownTable(packageHeader, rows),
    '',
    `All libraries: podmap ${report.packages.reduce((n, p) => n + p.ownModules, 0)} modules, ` +
      `${kb(report.packages.reduce((n, p) => n + p.rawBytes, 0))} KB minified shaken ` +
      `(${kb(Object.values(report.fullBytes).reduce((n, b) => n + b, 0))} KB full); the six-podlet bundle keeps ${kb(libraryBytes)} KB of them.`,
    '',
    `Podlet modules, cold: ${podletModules.map(([k, v]) => `${k.slice(7)} ${v.modules}`).join(', ')}.`,
    '',
  ];
}

/** The documents as served, and the bundles' sizes. */
function documentTable(report: PackagesReport): string[] {
  return [
    '## HTML and import map (as served, brotli asked for)',
    '',
    'HTML br: the body on the wire (the import map is inline). Map br: the map’s JSON alone, brotli with the layout’s settings.',
    '',
    markdownTable(
      ['document', 'HTML raw KB', 'HTML br KB', 'map raw KB', 'map br KB', 'modulepreload tags', 'preload tags raw KB', 'module scripts'],
      Object.entries(report.documents).map(([k, d]) => [
        k,
        kb(d.htmlRawBytes),
        kb(d.htmlBrBytes),
        kb(d.mapRawBytes),
        kb(d.mapBrBytes),
        String(d.preloads),
        kb(d.preloadRawBytes),
        String(d.moduleScripts),
      ]),
    ),
    '',
    `Bundles: ${Object.entries(report.bundles.sizes)
      .map(([p, s]) => `\`${p}\` ${kb(s.raw)} KB minified, ${kb(s.br)} KB br`)
      .join('; ')}.`,
    '',
  ];
}
