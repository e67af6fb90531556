import { firefoxScenarios, firefoxVariants, type FirefoxSample, type FirefoxScenario, type FirefoxVariant } from './firefox-page.ts';
import { seen, seenIntroduction, seenRatios } from './page-markdown.ts';
import { seenKeys, seenOf, type SeenKey } from './page-summary.ts';
import { ssrSection, type TargetRow } from './ssr-targets.ts';
import { markdownTable, spreadOf, spreadText, type describeMachine, type Spread } from './stats.ts';
import { writeResults } from './write-results.ts';

/** One variant in one scenario: medians (and spreads) over its samples; what a person sees as in Chromium's rows. */
export interface FirefoxRow extends Record<SeenKey, Spread> {
  scenario: FirefoxScenario;
  variant: FirefoxVariant;
  n: number;
  renderedMs: Spread;
  timeVsB: number;
  ttfbMs: number;
  htmlDoneMs: number;
  requests: number;
  cached: number;
  bytes: Spread;
  serverModules: Spread;
  protocols: string[];
  seenVsB: Record<SeenKey, number>;
}

/** Every variant's row per scenario, B's medians the base of the ratios. */
export function summariseFirefox(samples: FirefoxSample[]): FirefoxRow[] {
  const rows: FirefoxRow[] = [];
  for (const scenario of firefoxScenarios) {
    const of = (variant: FirefoxVariant) => samples.filter((s) => s.scenario === scenario && s.variant === variant);
    const base = spreadOf(of('B').map((s) => s.renderedMs)).median;
    for (const variant of firefoxVariants) {
      const list = of(variant);
      if (list.length === 0) continue;
      const renderedMs = spreadOf(list.map((s) => s.renderedMs));
      rows.push({
        scenario,
        variant,
        n: list.length,
        renderedMs,
        timeVsB: renderedMs.median / base,
        ttfbMs: spreadOf(list.map((s) => s.ttfbMs)).median,
        htmlDoneMs: spreadOf(list.map((s) => s.htmlDoneMs)).median,
        requests: spreadOf(list.map((s) => s.requests)).median,
        cached: spreadOf(list.map((s) => s.cached)).median,
        bytes: spreadOf(list.map((s) => s.bytes)),
        serverModules: spreadOf(list.map((s) => s.serverModules)),
        protocols: [...new Set(list.flatMap((s) => s.protocols))].sort(),
        ...seenOf(list, of('B')),
      });
    }
  }
  return rows;
}

/** How the Firefox section's link is made: BiDi can emulate only offline, so a delaying TCP proxy. */
export const firefoxEmulation =
  'WebDriver BiDi can emulate only offline (`emulation.setNetworkConditions` takes `{ type: "offline" }`; puppeteer’s ' +
  '`page.emulateNetworkConditions` throws UnsupportedOperation for latency or throughput on BiDi), CDP is not available in Firefox, and Firefox ' +
  'has no throttling preference outside its DevTools panel. So the latency is real: the browser reaches the layout and the CDN through a TCP ' +
  'proxy (bench/lib/delay-proxy.ts) that holds every chunk half the round trip each way and paces it to 10 Mbit/s, one link shared by all ' +
  'connections. TLS and ALPN pass through it, so the page is HTTP/2 end to end (protocol column: nextHopProtocol). Unlike CDP’s emulation, ' +
  'which adds its latency once per request, the proxy delays every TCP round trip, the TCP and TLS handshakes included, as a real link does. ' +
  'The layout’s own requests to the podlets do not cross the proxy (to the CDN they do, but its CDN client answers from its cache after warm-up).';

/** The Firefox section: how the link is made, every variant's row, then U+P SSR against U+P and B SSR (`ssrLines`). */
export function firefoxMarkdown(
  rows: FirefoxRow[],
  meta: { version: string; reps: number; latencyMs: number; failures: string[]; ssrLines: string[] },
): string[] {
  const ms = (s: Spread) => spreadText(s);
  const kb = (s: Spread) =>
    s.n === 0 ? '–' : `${(s.median / 1024).toFixed(1)} (${(s.min / 1024).toFixed(1)}–${(s.max / 1024).toFixed(1)})`;
  return [
    `## Firefox: ${meta.latencyMs} ms round trip, 10 Mbit/s, through a delaying proxy`,
    '',
    `${meta.version} over WebDriver BiDi (puppeteer-core), headless, certificate accepted with acceptInsecureCerts. ${meta.reps} repetitions, ${firefoxVariants.join(', ')} shuffled in each; ` +
      'a visit is a cold home in a new context, then search in the same tab. Time: the same render probe as above (median, min–max). ' +
      'Requests, cached, KB: resource timing of the document and everything fetched before render (transferSize; cached: transferSize 0). ' +
      'Server mods: JavaScript requests from the browser counted at the servers during the load. ' +
      seenIntroduction,
    '',
    firefoxEmulation,
    '',
    markdownTable(
      [
        'scenario',
        'variant',
        'rendered ms',
        '× B',
        'FCP ms',
        'LCP ms',
        'content ms',
        'on screen ms',
        'interactive ms',
        '× B (FCP / LCP / content / on screen / interactive)',
        'TTFB ms',
        'HTML done ms',
        'requests',
        'cached',
        'KB',
        'server mods',
        'protocol',
      ],
      rows.map((r) => [
        r.scenario,
        r.variant,
        ms(r.renderedMs),
        Number.isNaN(r.timeVsB) ? '–' : r.timeVsB.toFixed(2),
        ...seenKeys.map((key) => seen(r[key])),
        seenRatios(r.seenVsB),
        r.ttfbMs.toFixed(0),
        r.htmlDoneMs.toFixed(0),
        String(r.requests),
        String(r.cached),
        kb(r.bytes),
        r.serverModules.min === r.serverModules.max ? String(r.serverModules.min) : ms(r.serverModules),
        r.protocols.join(', '),
      ]),
    ),
    '',
    ...meta.ssrLines,
    ...(meta.failures.length > 0 ? ['Firefox failures:', '', ...meta.failures.map((f) => `- ${f}`), ''] : []),
  ];
}

/**
 * Summarises a Firefox run and writes bench/results/page-firefox.json and .md (printing the
 * markdown only when `print`); returns the section for page.md.
 */
export async function writeFirefoxResults(
  run: { version: string; samples: FirefoxSample[]; failures: string[] },
  meta: {
    machine: Awaited<ReturnType<typeof describeMachine>>;
    reps: number;
    latencyMs: number;
    durationS: number;
    print: boolean;
    modes: Record<string, Record<string, string>>;
  },
): Promise<string[]> {
  const { machine, modes } = meta;
  const summary = summariseFirefox(run.samples);
  const ssr = firefoxServerRendering(run.samples, modes);
  const lines = firefoxMarkdown(summary, { ...meta, version: run.version, failures: run.failures, ssrLines: ssr.lines });
  const date = new Date().toISOString();
  const md = [
    '# bench:page — Firefox',
    '',
    `${date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · Firefox part ${meta.durationS} s`,
    '',
    ...lines,
  ].join('\n');
  const json = {
    date,
    firefox: run.version,
    machine,
    reps: meta.reps,
    durationS: meta.durationS,
    latencyMs: meta.latencyMs,
    throughputMbps: 10,
    emulation: firefoxEmulation,
    modes,
    failures: run.failures,
    summary,
    ssrTargets: ssr.targets,
    samples: run.samples,
  };
  await writeResults('page-firefox', json, md, { print: meta.print });
  return lines;
}

/** U+P SSR against U+P and B SSR in Firefox (bench/lib/ssr-targets.ts): cold home with the targets, home → search for information. */
function firefoxServerRendering(
  samples: FirefoxSample[],
  modes: Record<string, Record<string, string>>,
): { lines: string[]; targets: Record<string, TargetRow[]> } {
  const of = (scenario: string, variant: string) => samples.filter((s) => s.scenario === scenario && s.variant === variant);
  const { lines, targets } = ssrSection(firefoxScenarios, of, {
    modes,
    variants: firefoxVariants,
    podlets: (scenario) => Object.keys(of(scenario, 'U+P SSR')[0]?.podletsSeen ?? {}),
  });
  const intro = '### Server rendering in Firefox: U+P SSR against U+P and B SSR (the targets and figures of page.md’s section)';
  return { lines: [intro, '', ...lines.map((line) => line.replace(/^### /, '#### '))], targets };
}
