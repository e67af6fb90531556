/**
 * The README's figures for server-rendered podlets, from bench/results/page.json,
 * page-firefox.json (their `ssrTargets`, bench/lib/ssr-targets.ts) and ssr.json: the
 * bench:ssr-page and bench:ssr sections (readme-figures.ts gathers them).
 */
import { day, kb, ms, table, times } from './format-figures.ts';
import type { BenchResults, SsrResults, TargetRow } from './read-bench-results.ts';

/** The server-rendering sections, by name, unwrapped. */
export function renderSsrFigures(results: BenchResults): Array<[string, string]> {
  return [
    ['bench:ssr-page', renderSsrPage(results)],
    ['bench:ssr', renderSsrCosts(results.ssr)],
  ];
}

/** U+P SSR's cold home against U+P and B SSR, in Chromium and Firefox, with the targets. */
function renderSsrPage({ page, firefox }: BenchResults): string {
  const chromium = page.ssrTargets?.['cold home'];
  const inFirefox = firefox.ssrTargets?.['cold home'];
  if (!Array.isArray(chromium) || !inFirefox)
    throw new Error('bench/results/page.json or page-firefox.json has no ssrTargets for cold home');
  const cell = (row: TargetRow | undefined) => {
    if (!row || row.ratio === null) return '–';
    const verdict = row.met === undefined ? '' : row.met ? ', met' : ', missed';
    return `${times(row.ratio)} (${ms(row.value.median)} against ${ms(row.against.median)})${verdict}`;
  };
  const rows = chromium.map((row) => [
    row.figure,
    cell(row),
    cell(inFirefox.find((r) => r.figure === row.figure)),
    row.limit === undefined ? '—' : `≤ ${row.limit}×`,
  ]);
  return [
    `Cold home, U+P SSR against U+P (every podlet rendered in the browser) and B SSR, medians: Chromium at ${page.ssrTargets!.latencyMs} ms ` +
      `(${page.reps} repetitions, ${day(page.date)}), Firefox at ${firefox.latencyMs} ms through the delaying proxy (${firefox.reps} repetitions):`,
    table(['cold home', 'Chromium', 'Firefox', 'target'], rows),
  ].join('\n\n');
}

/** What a podlet's render costs in each mode, and the layout's CPU per page with client and server-rendered podlets. */
function renderSsrCosts(ssr: SsrResults): string {
  const of = (podlet: string, mode: string, connections: number) => {
    const row = ssr.renders.find((r) => r.podlet === podlet && r.mode === mode && r.connections === connections);
    if (!row) throw new Error(`bench/results/ssr.json has no ${podlet} ${mode} row at ${connections} connections`);
    return row;
  };
  const cpu = (value: number) => `${value.toFixed(2)} ms`;
  const podlets = [...new Set(ssr.renders.map((r) => r.podlet))];
  const renderRows = podlets.map((podlet) => {
    const [hydrate, client] = [of(podlet, 'hydrate', 1), of(podlet, 'client', 1)];
    const [busyHydrate, busyClient] = [of(podlet, 'hydrate', ssr.connections), of(podlet, 'client', ssr.connections)];
    return [
      podlet,
      `${cpu(hydrate.renderCpu.median)} / ${cpu(hydrate.renderCpu.p99)}`,
      `${cpu(client.renderCpu.median)} / ${cpu(client.renderCpu.p99)}`,
      `${cpu(busyHydrate.cpuMsPerRequest.median)} / ${cpu(busyClient.cpuMsPerRequest.median)}`,
      `${Math.round(busyHydrate.requestsPerSecond.median)} / ${Math.round(busyClient.requestsPerSecond.median)}`,
    ];
  });
  const layout = (name: string, encoding: string) => {
    const row = ssr.layoutCpu.find((r) => r.layout === name && r.acceptEncoding === encoding);
    if (!row) throw new Error(`bench/results/ssr.json has no layout CPU for ${name}, ${encoding}`);
    return row;
  };
  const layoutRows = ['none', 'br, gzip'].map((encoding) => {
    const [client, server] = [layout('client podlets', encoding), layout('ssr podlets', encoding)];
    return [
      encoding === 'none' ? 'no Accept-Encoding' : `\`${encoding}\``,
      `${cpu(client.cpuMsPerPage.median)} (${kb(client.wireBytes)} KB)`,
      `${cpu(server.cpuMsPerPage.median)} (${kb(server.wireBytes)} KB)`,
      times(server.cpuMsPerPage.median / client.cpuMsPerPage.median),
    ];
  });
  return [
    `${day(ssr.date)}; a podlet's process, ${ssr.reps} repetitions of ${ssr.requests} requests at 1 connection and ` +
      `${ssr.requests * 2} at ${ssr.connections}, medians:`,
    table(
      [
        'podlet',
        'CPU per render, hydrate: median / p99',
        'client: median / p99',
        `CPU per request at ${ssr.connections} connections, hydrate / client`,
        'req/s, hydrate / client',
      ],
      renderRows,
    ),
    `The layout's own CPU per page of home (${ssr.cpuPages} pages × ${ssr.cpuReps} repetitions, median; the page on the wire in KB):`,
    table(['home', 'client podlets', 'server-rendered podlets', '×'], layoutRows),
  ].join('\n\n');
}
