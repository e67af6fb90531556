import { pageBench, scenarios } from './page-options.ts';
import { seenKeys, type Row, type SeenKey } from './page-summary.ts';
import { markdownTable, spreadText, type describeMachine, type Spread } from './stats.ts';

const ms = (s: Spread) => spreadText(s);
const kb = (bytes: number) => (Number.isNaN(bytes) ? '–' : (bytes / 1024).toFixed(1));
const num = (x: number, digits = 0) => (Number.isNaN(x) ? '–' : x.toFixed(digits));
/** A figure of what a person sees: "n/a" where the browser gave none (LCP in a Firefox without it). */
export const seen = (s: Spread) => (s.n === 0 ? 'n/a' : spreadText(s));
/** Those figures' ratios to B's, in seenKeys' order: "1.02 / 0.98 / 1.10 / 1.10". */
export const seenRatios = (ratios: Record<SeenKey, number>) =>
  seenKeys.map((key) => (Number.isNaN(ratios[key]) ? '–' : ratios[key].toFixed(2))).join(' / ');
const range = (s: Spread) => (s.n === 0 ? '–' : s.min === s.max ? String(s.min) : `${s.median} (${s.min}–${s.max})`);

/** What the page's header says about the run. */
export interface PageRunMeta {
  date: string;
  chromium: string;
  machine: Awaited<ReturnType<typeof describeMachine>>;
  durationS: number;
  chromiumS: number;
  failures: string[];
  /** The server-rendering section (bench/lib/ssr-targets.ts), right after the introduction. */
  ssrLines?: string[];
}

/** What the seen columns mean (here and in the Firefox section). */
export const seenIntroduction =
  'What a person sees, in the same tab and from the same navigation start: FCP and LCP from the page’s own PerformanceObservers ' +
  '(`paint`, `largest-contentful-paint`, buffered), read after the page rendered and its network went quiet (LCP: its last candidate by then; ' +
  '“n/a” where the browser has no such entry). Content: every podlet’s shadow root has text, server-rendered (declarative shadow DOM, ' +
  'there as soon as it is parsed) or rendered by its module; on screen: the later of content and FCP (content in the DOM is not painted ' +
  'before the first paint, which waits for the page’s stylesheet). Interactive: every podlet’s element is defined and past its first ' +
  'update (lit’s `hasUpdated`: rendered in the browser, or hydrated with its listeners bound), or, for an ssr-only podlet, which the page ' +
  'never defines, its server-rendered content there. ' +
  'From a probe the page runs before any of its content, polling on a ~4 ms timer: per podlet the first poll that saw it, the latest of those. ' +
  'With every podlet rendering on the client, content and interactive equal rendered; server-rendered variants (U+P SSR, B SSR) part them. ' +
  'The probe also notes how each podlet’s shadow root came to be (lit’s server markers only: hydrated; a browser render’s only: rendered), ' +
  'and a podlet that did not show as its render mode says is listed under Failures. ' +
  '× B (FCP / LCP / content / on screen / interactive): each median over B’s. ';

/** bench/results/page.md: how the run was made, U+P against U+P SW, then every scenario at every latency. */
export function renderPageMarkdown(rows: Row[], meta: PageRunMeta): string {
  const out = [...introduction(meta), ...(meta.ssrLines ?? []), ...workerIntroduction, ...workerTable(rows)];
  for (const scenario of scenarios) {
    for (const latencyMs of pageBench.latencies) {
      const selected = rows.filter((r) => r.scenario === scenario && r.latencyMs === latencyMs && r.failed < r.n);
      if (selected.length > 0) out.push(`## ${scenario}, ${latencyMs} ms latency`, '', scenarioTable(selected), '');
    }
  }
  if (meta.failures.length > 0) out.push('## Failures', '', ...meta.failures.map((f) => `- ${f}`), '');
  return out.join('\n');
}

function introduction(meta: PageRunMeta): string[] {
  const { machine } = meta;
  return [
    '# bench:page — podmap against bundles, in the browser',
    '',
    `${meta.date} · ${meta.chromium} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · run ${Math.round(meta.durationS / 60)} min (Chromium ${Math.round(meta.chromiumS / 60)} min)`,
    `${pageBench.reps} repetitions per variant and latency (U+P SW: ${pageBench.swReps}), variants shuffled in each; CDP emulation 10 Mbit/s both ways, on the page and on its service worker; ` +
      '0 ms without any emulation (no cap either: with Chromium’s emulation, cold loads at 0 ms stalled, page-stall.md). ' +
      'Every variant but U+P SW runs without the service worker. ' +
      'Time: performance.now() when every podlet element has rendered into its shadow root (median, min–max). ' +
      seenIntroduction +
      'Requests and KB: from the network only (cache hits and responses a service worker served counted apart), encodedDataLength with headers, ' +
      'the page’s requests plus those the service worker made itself (its script: body bytes as the layout sent them). Module KB: of those, JavaScript modules. ' +
      'CDN mods: module requests from the browser counted at the CDN (U+P and U+P SW only). ' +
      'HTML done / last byte: medians, from the page’s navigation and resource timing (last byte: of anything fetched before render). ' +
      'Chain: the longest initiator chain of the page’s network requests, the document counting 1. × B: median over B’s median. ' +
      '0 ms latency is a diagnostic, not a target condition.',
    '',
    'What each variant loads: every podmap variant (U, U+P, U+P SSR, U+P 7o, U+P h1, U+P SW) maps the CDN’s shaken build of each package ' +
      'the CDN could shake and the full browser build of the others, and the podlets’ releases as the CDN stores them, minified at publish; ' +
      'the bench waits, before any load, until the CDN has no shaken build left to make and every layout has composed its pages from its ' +
      'last answer (page-modules.md lists each package version’s state and breaks the cold home page’s modules down by package). ' +
      'U+P 7o’s podlets serve their own modules as compiled, not minified. B, B SSR and S are esbuild bundles (minified, tree-shaken) of the ' +
      'podlets’ compiled modules and the packages as installed, each podlet resolving its own (geo: lit 2).',
    '',
    'Stalls at 0 ms (issue 13, item 5; `node --import tsx bench/stall.ts`, page-stall.md): cold loads of home at 0 ms in fresh contexts stalled ' +
      'only under Chromium’s CDP emulation (0 ms, 10 Mbit/s): 5 of 200 (U+P 3/50, U+P 7o 1/50, U+P h1 1/50, U 0/50, half the preloads 0/50), ' +
      'against 0 of 150 in Chromium without emulation and 0 of 100 in Firefox; a second run (page-stall-2.md) 6 of 60 under emulation, 0 of 120 without. In each stall the servers had received every request and ' +
      'finished every response while the browser still had them pending (layout.css on the layout’s own connection too): the emulation ' +
      'holds them, not the servers or HTTP/2. So 0 ms here runs without emulation. The same stall can hit 40 and 150 ms, ' +
      'which need the emulation: such a load is listed under Failures and left out of the figures.',
    '',
  ];
}

const workerIntroduction = [
  '## With the service worker (U+P SW) and without (U+P)',
  '',
  'A visit: cold home; (with the worker: wait until it controls the page, its install done); search in the same tab; home in a new tab; ' +
    'a new footer release published and served, home in a third tab; that tab reloaded offline. Without a worker, an offline reload cannot load: “fails”.',
  '',
];

const scenarioHeader = [
  'variant',
  'rendered ms',
  '× B',
  'FCP ms',
  'LCP ms',
  'content ms',
  'on screen ms',
  'interactive ms',
  '× B (FCP / LCP / content / on screen / interactive)',
  'HTML done ms',
  'last byte ms',
  'requests',
  'cached',
  'by SW',
  'SW requests',
  'origins',
  'KB',
  '× B bytes',
  'HTML KB',
  'JS KB',
  'module KB',
  'CDN mods',
  'chain',
  'protocol',
];

/** One scenario at one latency, every variant that loaded. */
function scenarioTable(selected: Row[]): string {
  return markdownTable(
    scenarioHeader,
    selected.map((r) => [
      r.variant,
      ms(r.renderedMs),
      num(r.timeVsB, 2),
      ...seenKeys.map((key) => seen(r[key])),
      seenRatios(r.seenVsB),
      num(r.htmlDoneMs),
      num(r.lastResourceMs),
      num(r.requests),
      num(r.cached),
      num(r.fromWorker),
      num(r.workerRequests),
      num(r.origins),
      kb(r.bytes.median),
      num(r.bytesVsB, 2),
      kb(r.documentBytes),
      kb(r.scriptBytes),
      kb(r.moduleBytes),
      range(r.cdnModules),
      num(r.chainDepth),
      r.protocols.join(', '),
    ]),
  );
}

const workerHeader = [
  'latency ms',
  'variant',
  'rendered ms',
  '× U+P',
  'KB over the network',
  'module KB',
  'CDN mods',
  'page requests',
  'by SW',
  'SW requests',
  'the worker’s install / update',
];

/** U+P against U+P SW, scenario by scenario: the comparison issue 12 asks for. */
function workerTable(rows: Row[]): string[] {
  const out: string[] = [];
  for (const scenario of scenarios) {
    const lines: string[][] = [];
    for (const latencyMs of pageBench.latencies) {
      const of = (variant: string) => rows.find((r) => r.scenario === scenario && r.latencyMs === latencyMs && r.variant === variant);
      const [without, withWorker] = [of('U+P'), of('U+P SW')];
      for (const r of [without, withWorker]) if (r) lines.push(workerLine(r, r === withWorker ? without : undefined));
    }
    if (lines.length > 0) out.push(`### ${scenario}`, '', markdownTable(workerHeader, lines), '');
  }
  return out;
}

/** A row of the worker table; `without` is U+P's row beside U+P SW's, for the ratio. */
function workerLine(r: Row, without: Row | undefined): string[] {
  const fails = r.failed === r.n;
  const ratio = without && without.failed < without.n ? num(r.renderedMs.median / without.renderedMs.median, 2) : '';
  const worker = r.installWaitMs
    ? `${ms(r.installAfterLoadMs!)} after load; bench waited ${ms(r.installWaitMs)}; worker ${kb(r.installBytes!)} KB; ${range(r.installCdnModules!)} CDN mods in the wait`
    : r.updateWaitMs
      ? `update after this step: ${ms(r.updateWaitMs)} ms; worker ${kb(r.updateBytes!)} KB; ${range(r.updateCdnModules!)} CDN mods; worker script ${num(r.updateScriptFetches!)}× ${kb(r.updateScriptBytes!)} KB`
      : '';
  if (fails) return [String(r.latencyMs), r.variant, 'fails', '', '–', '–', '–', '–', '–', '–', worker];
  return [
    String(r.latencyMs),
    r.variant,
    ms(r.renderedMs),
    ratio,
    `${kb(r.bytes.median)} (${kb(r.bytes.min)}–${kb(r.bytes.max)})`,
    kb(r.moduleBytes),
    range(r.cdnModules),
    num(r.requests),
    num(r.fromWorker),
    num(r.workerRequests),
    worker,
  ];
}
