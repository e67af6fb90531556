import { join } from 'node:path';
import { realPackagesDir, realPodlets } from '../../test/helpers/real-packages.ts';

/**
 * bench:packages' settings, from the environment (bench/packages.ts lists them). 40 ms is the
 * condition the targets are judged at; 0 ms is a diagnostic: what remains without latency is the
 * browser's own cost (parsing, compiling and linking modules), not round trips.
 */
export const packagesBench = (() => {
  const latencies = (process.env.BENCH_LATENCIES ?? '0,40').split(',').map(Number);
  return {
    reps: Number(process.env.BENCH_REPS ?? 11),
    latencies,
    /** The latency the targets are judged at: 40 ms when it was measured. */
    targetLatency: latencies.includes(40) ? 40 : latencies[0]!,
  };
})();

export const variants = ['podmap', 'podmap full', 'podmap 7o', 'bundle'] as const;
export type Variant = (typeof variants)[number];
export const scenarios = ['cold', 'second page'] as const;
export type Scenario = (typeof scenarios)[number];

export const podletsDir = join(realPackagesDir, 'podlets');
// The six the bench has measured from the start; the suite's later podlets (p-cjs) stay out, so
// figures compare across runs.
export const sixPodlets = Object.keys(realPodlets).filter((name) => name !== 'p-cjs');
export const secondPodlets = ['p-preact', 'p-dates', 'p-react'];
/** The layout's two pages: all six podlets, and three of them. */
export const pages = {
  '/': { title: 'Real packages', podlets: sixPodlets },
  '/second': { title: 'Real packages, second page', podlets: secondPodlets },
};
export const pathOf: Record<Scenario, '/' | '/second'> = { cold: '/', 'second page': '/second' };
/** Issue 20's targets: cold bytes and time within 1.15× the bundle with shaken builds, the second page no slower than with full builds. */
export const TARGETS = { modulesPerPackage: 3, bytesVsBundle: 1.15, htmlBrBytes: 20 * 1024, coldTimeVsBundle: 1.15, secondVsFull: 1 };

/** Figures of one load, from its requests. */
export interface Figures {
  renderedMs: number;
  ttfbMs: number;
  htmlDoneMs: number;
  /** Requests that went to the network, and those a cache answered. */
  requests: number;
  cached: number;
  /** JavaScript modules (or bundles) fetched from the network, and from a cache. */
  modules: number;
  cachedModules: number;
  /** encodedDataLength with headers, of everything from the network; of the document; of modules. */
  bytes: number;
  documentBytes: number;
  moduleBytes: number;
  /** Bodies only (dataReceived), of everything from the network. */
  bodyBytes: number;
  origins: number;
  protocols: string[];
  encodings: string[];
  /** Network modules per package ("vue@3.5.45", "podlet p-vue", "bundle"): count and bytes with headers. */
  byPackage: Record<string, { modules: number; bytes: number }>;
}

export interface Sample extends Figures {
  variant: Variant;
  scenario: Scenario;
  latencyMs: number;
  rep: number;
}
