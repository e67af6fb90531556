/**
 * The recovery case of bench/faults.ts: how long after a stopped podlet listens again its content
 * is back in the layout's pages, under load, for outages of several lengths.
 *
 * Per outage length: a fresh layout process (fault-layout.ts), autocannon on its page for the
 * whole series, then `restarts` times: stop the podlet (closeAllConnections + close), wait the
 * outage, check that a page now shows the podlet's fallback (else the measurement would be
 * vacuous), start it on the same port, and from the moment it listens, GET the page back to back
 * (one at a time, beside the load) until one shows the podlet's content. That page's answer, less
 * the moment of the restart, is the figure. Between restarts the podlet stays up for `upMs`.
 */
import autocannon from 'autocannon';
import { findSection, getPage } from '../../test/helpers/page-load.ts';
import type { LayoutMemory } from './fault-layout.ts';
import type { IpcChild } from './ipc-child.ts';
import { markdownTable, spreadOf, spreadText, type Spread } from './stats.ts';

export interface RecoverySeries {
  outageSeconds: number;
  /** ms from the restart to the first page with the podlet's content, per restart. */
  backMs: number[];
  backMsSpread: Spread;
  /** Pages GET'd between the restart and that first page, per restart. */
  pagesUntilBack: number[];
  /** The layout's circuit breaker lines for the podlet over the series (opened / closed). */
  circuitOpened: number;
  circuitClosed: number;
}

/** Whether the page at `url` shows `podlet`'s fallback (true) or its content (false). */
export async function pageShowsFallback(url: string, podlet: string): Promise<boolean> {
  const page = await getPage(url, { timeoutMs: 15_000 });
  const section = findSection(page.body, podlet);
  if (page.status !== 200 || !section) throw new Error(`bench: recovery: the page answered ${page.status}, no ${podlet}`);
  return section.fallback;
}

/** One series of restarts after outages of `outageSeconds`; see the file's comment. */
export async function measureRecovery(options: {
  layout: IpcChild<{ url: string }>;
  podlet: string;
  stop(): Promise<unknown>;
  start(): Promise<unknown>;
  outageSeconds: number;
  restarts: number;
  connections: number;
  upMs?: number;
  log: (line: string) => void;
}): Promise<RecoverySeries> {
  const { url } = options.layout.ready;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const load = autocannon({ url, connections: options.connections, duration: 24 * 3600 });
  const backMs: number[] = [];
  const pagesUntilBack: number[] = [];
  try {
    await sleep(options.upMs ?? 2000);
    for (let restart = 1; restart <= options.restarts; restart++) {
      await options.stop();
      await sleep(options.outageSeconds * 1000);
      if (!(await pageShowsFallback(url, options.podlet)))
        throw new Error(`bench: recovery: ${options.podlet} is down, yet its content is on the page`);
      await options.start();
      const restartedAt = performance.now();
      let pages = 0;
      for (;;) {
        pages++;
        if (!(await pageShowsFallback(url, options.podlet))) break;
        if (performance.now() - restartedAt > 120_000) throw new Error(`bench: recovery: ${options.podlet} not back within 120 s`);
      }
      backMs.push(performance.now() - restartedAt);
      pagesUntilBack.push(pages);
      options.log(
        `bench:faults: recovery after ${options.outageSeconds} s down, restart ${restart}: back in ${backMs.at(-1)!.toFixed(0)} ms`,
      );
      await sleep(options.upMs ?? 2000);
    }
  } finally {
    load.stop();
    await load;
  }
  const memory = await options.layout.call<LayoutMemory>('memory');
  return {
    outageSeconds: options.outageSeconds,
    backMs,
    backMsSpread: spreadOf(backMs),
    pagesUntilBack,
    circuitOpened: memory.codes[`${options.podlet} PODMAP_ERR_CIRCUIT_OPEN`] ?? 0,
    circuitClosed: memory.codes[`${options.podlet} PODMAP_ERR_CIRCUIT_CLOSED`] ?? 0,
  };
}

/** The recovery table for faults.md. */
export function recoveryMarkdown(series: readonly RecoverySeries[], podlet: string, connections: number): string {
  return [
    `Recovery: ${podlet} stopped for each outage, then started on its port, under autocannon load (${connections} connections); ` +
      `the time from the moment it listens again to the first page that shows its content, median (min–max) over restarts.`,
    '',
    markdownTable(
      ['outage', 'restarts', 'back in pages after, ms', 'each, ms', 'pages polled until back', 'circuit opened / closed'],
      series.map((s) => [
        `${s.outageSeconds} s`,
        String(s.backMs.length),
        spreadText(s.backMsSpread),
        s.backMs.map((x) => x.toFixed(0)).join(', '),
        s.pagesUntilBack.join(', '),
        `${s.circuitOpened} / ${s.circuitClosed}`,
      ]),
    ),
  ].join('\n');
}
