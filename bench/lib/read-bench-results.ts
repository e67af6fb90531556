import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenderFigures } from './podlet-render-cpu.ts';
import type { Spread } from './stats.ts';

/**
 * The result files the README's figures come from, read from `dir` (bench/results/): page.json,
 * page-firefox.json, every page-stall*.json, layout.json, packages.json, faults.json and ssr.json.
 */
export async function readBenchResults(dir: string): Promise<BenchResults> {
  const read = async (name: string) => JSON.parse(await readFile(path.join(dir, name), 'utf8'));
  const stallFiles = (await readdir(dir)).filter((name) => /^page-stall(-\d+)?\.json$/.test(name)).sort();
  return {
    page: await read('page.json'),
    firefox: await read('page-firefox.json'),
    stalls: await Promise.all(stallFiles.map(read)),
    layout: await read('layout.json'),
    packages: await read('packages.json'),
    faults: await read('faults.json'),
    ssr: await read('ssr.json'),
  };
}

/** The result files the README draws on, as the benchmarks wrote them (the fields used here). */
export interface BenchResults {
  page: PageResults;
  firefox: FirefoxResults;
  stalls: StallResults[];
  layout: LayoutResults;
  packages: PackagesResults;
  faults: FaultsResults;
  ssr: SsrResults;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
}

export interface PageRow {
  scenario: string;
  latencyMs: number;
  variant: string;
  failed: number;
  renderedMs: Spread;
  requests: number | null;
  bytes: Spread;
  moduleBytes: number | null;
  chainDepth: number | null;
  timeVsB: number | null;
  bytesVsB: number | null;
  cdnModules: { median: number | null };
  /** What a person sees (bench/lib/page-probe.ts); an empty spread where the browser gave none; ratios to B null where B has none. */
  fcpMs?: Spread;
  lcpMs?: Spread;
  seenVsB?: { fcpMs: number | null; lcpMs: number | null };
  /** U+P SW only: the worker's install after home's load, its update after a release. */
  installAfterLoadMs?: Spread;
  updateWaitMs?: Spread;
  updateBytes?: number;
  updateCdnModules?: Spread;
}

export interface PageResults {
  date: string;
  chromium: string;
  machine: Machine;
  reps: number;
  durationS: number;
  latencies: number[];
  throughputMbps: number;
  summary: PageRow[];
  /** U+P SSR against U+P and B SSR (bench/lib/ssr-targets.ts), per scenario, at `latencyMs`. */
  ssrTargets?: { latencyMs: number } & Record<string, TargetRow[] | number>;
}

/** One line of bench/lib/ssr-targets.ts's comparison, as JSON holds it (NaN as null). */
export interface TargetRow {
  figure: string;
  value: Spread;
  against: Spread;
  againstName: string;
  ratio: number | null;
  limit?: number;
  met?: boolean;
}

export interface FirefoxResults {
  date: string;
  firefox: string;
  reps: number;
  latencyMs: number;
  summary: Array<{ scenario: string; variant: string; renderedMs: Spread; timeVsB: number }>;
  ssrTargets?: Record<string, TargetRow[]>;
}

export interface StallResults {
  date: string;
  rows: Array<{ condition: string; loads: number; stalls: number }>;
}

export interface LayoutRow {
  layout: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  pageBytes: number;
  firstByteMs: Spread;
  lastByteMs: Spread;
}

export interface LayoutResults {
  date: string;
  machine: Machine;
  seconds: number;
  connections: number;
  rounds: number;
  samples: number;
  delayMs: number;
  slowPodlet: string;
  summary: LayoutRow[];
  cpuPages: number;
  cpuReps: number;
  cpu: Array<{ layout: string; acceptEncoding: string; cpuMsPerPage: Spread }>;
}

export interface PackagesResults {
  date: string;
  chromium: string;
  machine: Machine;
  reps: number;
  targetLatencyMs: number;
  targets: Array<{ name: string; limit: string; met: boolean }>;
  documents: Record<string, { htmlBrBytes: number; mapBrBytes: number }>;
  bundles: { bytesByPackage: Record<string, Record<string, number>> };
  packages: Array<{ package: string; specifiers: string[]; ownModules: number; rawBytes: number }>;
  summary: Array<{ latencyMs: number; scenario: string; variant: string; renderedMs: Spread; bytes: Spread; modules: number }>;
}

export interface FaultsResults {
  date: string;
  machine: Machine;
  runSeconds: number;
  results: Array<{ case: string; requestsPerSecond: Spread }>;
}

/** bench/results/ssr.json: a podlet's cost per render per mode, and the layout's CPU per page with each kind of podlet. */
export interface SsrResults {
  date: string;
  machine: Machine;
  durationS: number;
  requests: number;
  reps: number;
  connections: number;
  cpuPages: number;
  cpuReps: number;
  renders: Array<Pick<RenderFigures, 'podlet' | 'mode' | 'connections' | 'cpuMsPerRequest' | 'renderCpu' | 'requestsPerSecond' | 'p99Ms'>>;
  layoutCpu: Array<{ layout: string; acceptEncoding: string; cpuMsPerPage: Spread; wireBytes: number }>;
}
