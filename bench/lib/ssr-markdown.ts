import type { CpuFigures } from './layout-cpu.ts';
import type { RenderFigures } from './podlet-render-cpu.ts';
import { markdownTable, spreadText, type describeMachine } from './stats.ts';

/** How bench:ssr ran. */
export interface SsrRunMeta {
  date: string;
  machine: Awaited<ReturnType<typeof describeMachine>>;
  podlets: string[];
  requests: number;
  reps: number;
  connections: number;
  cpuPages: number;
  cpuReps: number;
  durationS: number;
}

const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');

type SsrResults = { renders: RenderFigures[]; fragmentBytes: Record<string, number>; layoutCpu: CpuFigures[] };

/** The podlets' table: each podlet, mode and connection count, against the same podlet in client mode. */
function renderTable(results: SsrResults): string {
  const of = (podlet: string, mode: string, connections: number) =>
    results.renders.find((r) => r.podlet === podlet && r.mode === mode && r.connections === connections);
  const rows = results.renders.map((r) => {
    const client = of(r.podlet, 'client', r.connections);
    return [
      r.podlet,
      r.mode,
      String(r.connections),
      r.connections === 1 ? `${r.renderCpu.median.toFixed(3)} / ${r.renderCpu.p99.toFixed(3)} (${r.renderCpu.n})` : '—',
      spreadText(r.cpuMsPerRequest, 3),
      r.mode === 'client' || !client ? '' : ratio(r.cpuMsPerRequest.median, client.cpuMsPerRequest.median),
      spreadText(r.requestsPerSecond),
      spreadText(r.meanMs, 2),
      spreadText(r.p50Ms),
      spreadText(r.p99Ms),
      String(r.errors),
      String(results.fragmentBytes[`${r.podlet} ${r.mode}`] ?? '–'),
    ];
  });
  const header = ['podlet', 'mode', 'connections', 'render CPU ms, median / p99 (n)', 'CPU / request ms', '× client', 'req/s'];
  return markdownTable([...header, 'mean latency ms', 'p50 ms', 'p99 ms', 'errors', 'bytes'], rows);
}

/** The layout's table: CPU per page with each kind of podlet, per Accept-Encoding. */
function layoutTable(results: SsrResults): string {
  const row = (c: CpuFigures) => {
    const client = results.layoutCpu.find((o) => o.layout === 'client podlets' && o.acceptEncoding === c.acceptEncoding);
    return [
      c.layout,
      c.acceptEncoding,
      spreadText(c.cpuMsPerPage, 3),
      c === client || !client ? '' : ratio(c.cpuMsPerPage.median, client.cpuMsPerPage.median),
      spreadText(c.requestsPerSecond),
      `${(c.wireBytes / 1024).toFixed(1)} (${c.contentEncoding})`,
      String(c.errors),
    ];
  };
  return markdownTable(['podlets', 'Accept-Encoding', 'CPU per page ms', '× client', 'req/s', 'KB', 'errors'], results.layoutCpu.map(row));
}

/** bench/results/ssr.md: a podlet's cost per render in each mode, then the layout's CPU per page with each kind of podlet. */
export function renderSsrMarkdown(meta: SsrRunMeta, results: SsrResults): string {
  const { machine } = meta;
  return [
    '# bench:ssr — what rendering podlets on the server costs the servers',
    '',
    `${meta.date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · run ${meta.durationS} s · a shared machine: read medians and ratios`,
    '',
    '## A podlet rendering its fragment',
    '',
    `Each podlet a process of its own, in 'hydrate' mode (lit renders its fragment into declarative shadow DOM) and in 'client' mode ` +
      `(PODMAP_DEMO_RENDER=client: an element its modules render in the browser), loaded by autocannon on its content with a layout's ` +
      `headers. ${meta.reps} repetitions, modes alternating; per repetition ${meta.requests} requests at 1 connection and ` +
      `${meta.requests * 2} at ${meta.connections}. Render CPU: per request that ran alone, process.cpuUsage() in the podlet from the ` +
      `request to its response's end, median / p99 in ms over every repetition's (how many); at ${meta.connections} connections requests ` +
      'overlap, so only the process total per request is given there. CPU / request: the process’s CPU time (/proc, all threads) over ' +
      'a run ÷ its requests, median (min–max) over the repetitions. × client: that median over the same podlet’s in client mode. ' +
      'Latency from autocannon (ms; its p50 and p99 are whole ms). Bytes: one fragment, uncompressed.',
    '',
    renderTable(results),
    '',
    '## The layout’s CPU per page, with client and with server-rendered podlets',
    '',
    `The demo twice (CDN, six podlets, each a process), its podlets in 'client' mode in one, in the demo’s modes (header, auth, image, ` +
      `search hydrate; footer ssr-only; geo client) in the other, a podmap layout process in front of each; home, ${meta.cpuPages} ` +
      `pages × ${meta.cpuReps} repetitions at ${meta.connections} connections, the cases alternating (bench/lib/layout-cpu.ts, as in ` +
      'bench:layout). CPU per page: the layout process’s own, median (min–max). × client: over the client podlets’ median. KB: the page on the wire.',
    '',
    layoutTable(results),
    '',
  ].join('\n');
}
