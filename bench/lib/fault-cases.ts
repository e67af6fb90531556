import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { findSection, getPage } from '../../test/helpers/page-load.ts';
import type { Backends } from './fault-backends.ts';
import type { LayoutConfig, LayoutMemory } from './fault-layout.ts';
import { forkIpcChild, type IpcChild } from './ipc-child.ts';
import { spreadOf, type Spread } from './stats.ts';

export const controlCase = '13 healthy podlets';
export const hostileAllCase = 'hostile (all)';

/** One fault case: what is on the page, and what is done to the backends before, during and after it. */
export interface Case {
  name: string;
  what: string;
  /** Podlets on the page before the healthy three (hostile ones, or the ten more healthy ones). */
  more?: string[];
  seconds?: number;
  /** After the layout started, before the validation request. */
  setUp?(): Promise<unknown>;
  /** After the validation request, before the warm-up. */
  afterValidation?(): Promise<unknown>;
  /** Runs beside each measured round (not the warm-up). */
  during?(roundMs: number): Promise<void>;
  /** After the case, to leave the backends healthy. */
  tearDown?(): Promise<unknown>;
}

/** One measured round of autocannon. */
export interface Round {
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
}

/** A case's figures: medians (min–max) over its rounds, the pages' fallbacks and the layout's memory. */
export interface CaseResult {
  case: string;
  what: string;
  seconds: number;
  requestsPerSecond: Spread;
  p99Ms: Spread;
  p50Ms: Spread;
  errors: number;
  non2xx: number;
  fallbacksFirst: string[];
  fallbacksLast: string[];
  validationMs: number;
  memory: LayoutMemory;
  runs: Round[];
}

/** How the cases run: autocannon's load, the layout's podlet time-out, and where its output goes. */
export interface CaseRun {
  seconds: number;
  eachSeconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
  timeoutMs: number;
  hostileEach: boolean;
  healthyNames: readonly string[];
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const faultLayout = fileURLToPath(new URL('./fault-layout.ts', import.meta.url));

/** Every case, in the order bench/faults.ts lists them; `b` is the backends' process. */
export function faultCases(b: IpcChild<Backends>, run: CaseRun): Case[] {
  const { moreHealthy, hostile } = b.ready;
  const { timeoutMs, hostileEach, eachSeconds } = run;
  const behave = (podlet: string, behaviour: string) => b.call('behave', { podlet, behaviour });
  return [
    { name: 'healthy', what: 'alpha, beta, gamma all answering' },
    {
      name: 'stopped',
      what: 'beta’s server closed for the whole case',
      setUp: () => b.call('stop', { podlet: 'beta' }),
      tearDown: () => b.call('start', { podlet: 'beta' }),
    },
    {
      name: 'hanging',
      what: `gamma accepts the content request and never answers (timeoutMs ${timeoutMs})`,
      setUp: () => behave('gamma', 'hang'),
      tearDown: () => behave('gamma', 'ok'),
    },
    {
      name: 'killed mid-round',
      what: 'alpha: closeAllConnections + close at 30 % of each round, listening again at 60 %',
      during: async (roundMs) => {
        await sleep(roundMs * 0.3);
        await b.call('stop', { podlet: 'alpha' });
        await sleep(roundMs * 0.3);
        await b.call('start', { podlet: 'alpha' });
      },
    },
    {
      name: 'version flap',
      what: 'alpha sends a new podlet-version header on every content response',
      setUp: () => behave('alpha', 'flap'),
      tearDown: () => behave('alpha', 'ok'),
    },
    {
      name: controlCase,
      what:
        `${moreHealthy.length} more well-behaved podlets (${moreHealthy[0]} … ${moreHealthy.at(-1)}, made like alpha and gamma) ` +
        'on the page beside the healthy three: the control for hostile (all), the same page shape',
      more: moreHealthy,
    },
    {
      name: hostileAllCase,
      what: `all ${hostile.length} hostile podlets on the page beside the healthy three`,
      more: hostile.map((h) => h.name),
    },
    ...(hostileEach ? hostile.map((h) => ({ name: `hostile: ${h.name}`, what: h.what, more: [h.name], seconds: eachSeconds })) : []),
    {
      name: 'CDN stopped',
      what: 'the CDN closed right after the validation request built the page',
      afterValidation: () => b.call('cdnStop'),
      tearDown: () => b.call('cdnStart'),
    },
    { name: 'healthy (again)', what: 'the first case once more, at the end of the run' },
  ];
}

/** A layout of its own, in a fresh process, for `names` on one page, `/`. */
export function forkFaultLayout(b: IpcChild<Backends>, names: string[], run: CaseRun): Promise<IpcChild<{ url: string }>> {
  const { cdnUrl, healthy, hostile } = b.ready;
  const podlets = Object.fromEntries(names.map((n) => [n, healthy[n] ?? hostile.find((h) => h.name === n)!.manifest]));
  const config: LayoutConfig = { cdnUrl, podlets, names, timeoutMs: run.timeoutMs };
  return forkIpcChild<{ url: string }>(faultLayout, { BENCH_LAYOUT: JSON.stringify(config) }, run.log);
}

/**
 * One case: its layout started, the fault set up, a validation request, a warm-up, the rounds back
 * to back, a page after the last round, then the layout's memory; the backends left healthy.
 */
export async function runCase(b: IpcChild<Backends>, c: Case, run: CaseRun): Promise<CaseResult> {
  const names = [...(c.more ?? []), ...run.healthyNames];
  const layout = await forkFaultLayout(b, names, run);
  try {
    const url = layout.ready.url;
    const caseSeconds = c.seconds ?? run.seconds;
    await c.setUp?.();
    const first = await validatePage(url, names, c.name);
    await c.afterValidation?.();
    await autocannon({ url, connections: run.connections, duration: run.warmupSeconds });
    const runs: Round[] = [];
    for (let round = 1; round <= run.rounds; round++) {
      const [r] = await Promise.all([
        autocannon({ url, connections: run.connections, duration: caseSeconds }),
        c.during?.(caseSeconds * 1000),
      ]);
      const { p50, p99, max } = r.latency;
      runs.push({
        round,
        requestsPerSecond: r.requests.average,
        p50Ms: p50,
        p99Ms: p99,
        maxMs: max,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
      console.error(`bench:faults: ${c.name} round ${round}: ${Math.round(r.requests.average)} req/s, p99 ${p99} ms`);
    }
    const last = await validatePage(url, names, c.name);
    const memory = await layout.call<LayoutMemory>('memory');
    const total = (pick: (r: Round) => number) => runs.reduce((s, r) => s + pick(r), 0);
    return {
      case: c.name,
      what: c.what,
      seconds: caseSeconds,
      requestsPerSecond: spreadOf(runs.map((r) => r.requestsPerSecond)),
      p99Ms: spreadOf(runs.map((r) => r.p99Ms)),
      p50Ms: spreadOf(runs.map((r) => r.p50Ms)),
      errors: total((r) => r.errors),
      non2xx: total((r) => r.non2xx),
      fallbacksFirst: first.fallbacks,
      fallbacksLast: last.fallbacks,
      validationMs: first.ms,
      memory,
      runs,
    };
  } finally {
    await layout.stop();
    await c.tearDown?.();
  }
}

/**
 * One GET of the page on a fresh connection: it must answer 200 and end with `</html>\n`, with a
 * section for each podlet. Returns the podlets whose sections were fallbacks, and the time taken.
 */
export async function validatePage(url: string, names: string[], label: string): Promise<{ fallbacks: string[]; ms: number }> {
  const page = await getPage(url, { freshConnection: true, timeoutMs: 15_000 }).catch((error: Error) => {
    throw new Error(`bench: ${label}: ${error.message}`, { cause: error });
  });
  if (page.status !== 200) throw new Error(`bench: ${label}: the page answered ${page.status}`);
  if (!page.body.endsWith('</html>\n')) throw new Error(`bench: ${label}: the page does not end with </html>\\n`);
  const fallbacks: string[] = [];
  for (const name of names) {
    const section = findSection(page.body, name);
    if (!section) throw new Error(`bench: ${label}: no section for podlet "${name}"`);
    if (section.fallback) fallbacks.push(name);
  }
  return { fallbacks, ms: page.lastByteMs };
}
