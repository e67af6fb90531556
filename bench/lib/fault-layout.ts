/**
 * Child process of bench/faults.ts: one podmap layout (createLayout) with one page, `/`, in a
 * process of its own so that autocannon and the podlets do not share its event loop. Configured by
 * BENCH_LAYOUT (JSON: cdnUrl, podlets name → manifest URL, names on the page, timeoutMs); replies
 * to the IPC op `memory` (ipc-child.ts) with its RSS, heapUsed, heapUsed after two full collections,
 * and how many lines it logged (console.warn / console.error, counted, not printed).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { serveIpc } from './ipc-child.ts';

export interface LayoutConfig {
  cdnUrl: string;
  podlets: Record<string, string>;
  names: string[];
  timeoutMs: number;
}

export interface LayoutMemory {
  rssMb: number;
  heapUsedMb: number;
  liveHeapMb: number;
  logLines: number;
  /** How many lines of each kind: `<podlet> PODMAP_ERR_…` (podlet when the line names one; 'uncoded' without a code). */
  codes: Record<string, number>;
}

const config = JSON.parse(process.env.BENCH_LAYOUT ?? '') as LayoutConfig;
const codes: Record<string, number> = {};
let logLines = 0;
const count = (...args: unknown[]) => {
  logLines++;
  const line = args.map(String).join(' ');
  const podlet = /podlet "([^"]+)"/.exec(line)?.[1];
  const code = `${podlet ? `${podlet} ` : ''}${/PODMAP_ERR_[A-Z_]+/.exec(line)?.[0] ?? 'uncoded'}`;
  codes[code] = (codes[code] ?? 0) + 1;
};
console.warn = count;
console.error = count;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const layout = createLayout({
  cdnUrl: config.cdnUrl,
  importMap: { imports: {} },
  podlets: config.podlets,
  pages: { '/': { title: 'faults', podlets: config.names } },
  timeoutMs: config.timeoutMs,
  // No namespaces grant, as in the hostile fault suite: alpha owns @podlets/alpha by its registered name.
});
const server = await layout.listen(0);
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

serveIpc(
  { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` },
  {
    memory: (): LayoutMemory => {
      const { rss, heapUsed } = process.memoryUsage();
      gc();
      gc();
      return { rssMb: mb(rss), heapUsedMb: mb(heapUsed), liveHeapMb: mb(process.memoryUsage().heapUsed), logLines, codes: { ...codes } };
    },
    shutdown: () => {
      server.closeAllConnections();
      server.close();
    },
  },
);
