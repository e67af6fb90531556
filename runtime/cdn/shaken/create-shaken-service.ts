import type { ShakenAnswer, ShakenBuildState, ShakenRequest } from '../../shared/cdn-protocol/shaken-builds.ts';
import type { VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { PodmapError } from '../../shared/errors.ts';
import { readShakenBuild, writeShakenBuild } from '../store/shaken-build-store.ts';
import { openStore, type StoreLocation } from '../store/open-store.ts';
import { readVersionMetadata } from '../store/read-version-metadata.ts';
import { buildShakenPackage, SHAKEN_ENGINE } from './build-shaken-package.ts';
import { planShakenBuilds, type PlannedState } from './plan-shaken-builds.ts';
import { readDependencyFacts } from './read-dependency-facts.ts';

/** The CDN's bounds on shaken builds (docs/shaken-builds.md, "Bounds"). */
export interface ShakenOptions {
  /** A build running longer is cancelled and answered "failed" (PODMAP_ERR_CDN_SHAKEN_TIMEOUT); default DEFAULT_SHAKEN_OPTIONS. */
  timeoutMs?: number;
  /** Builds waiting at most; a request that would queue more is answered "pending" and queues them when asked again; default DEFAULT_SHAKEN_OPTIONS. */
  maxQueued?: number;
  /** Shaken builds kept per package version; past it new ones are refused (PODMAP_ERR_CDN_SHAKEN_LIMIT); default DEFAULT_SHAKEN_OPTIONS. */
  variants?: number;
}

/** The bounds unless createCdnServer's `shaken` option says otherwise (docs/shaken-builds.md, "Bounds"). */
export const DEFAULT_SHAKEN_OPTIONS: Required<ShakenOptions> = { timeoutMs: 60_000, maxQueued: 64, variants: 8 };

/** Failures remembered, so a build that fails is not retried at every request; a restart forgets them. */
const MAX_FAILURES = 1_000;

/** The shaken-builds side of the CDN: answers requests at once and builds in the background. */
export interface ShakenService {
  answer(request: ShakenRequest): Promise<ShakenAnswer>;
  /** Resolves when no build is queued or running (for tests and benchmarks). */
  idle(): Promise<void>;
  /** True while a build is queued or running. */
  building(): boolean;
}

/**
 * Answers `POST /-/shaken` from the store (planShakenBuilds) and queues the builds the answer
 * calls for, off the request path: one build at a time, at most `maxQueued` waiting, each
 * cancelled after `timeoutMs`. A finished build is written to the store (writeShakenBuild) and
 * found there by the next request; a failed one is remembered, coded, and answered "failed".
 */
export function createShakenService(location: StoreLocation, options: ShakenOptions = {}): ShakenService {
  const store = openStore(location);
  const settings = { ...DEFAULT_SHAKEN_OPTIONS, ...options };
  const failures = new Map<string, { code: string; reason: string }>();
  const queue = createBuildQueue(settings.maxQueued, async (job) => {
    try {
      const dependencies = await readDependencyFacts(store, job.dependencies, importedSpecifiers(job.metadata));
      const input = { store, metadata: job.metadata, roots: job.roots, id: job.id, timeoutMs: settings.timeoutMs, dependencies };
      const { build, contents } = await buildShakenPackage(input);
      await writeShakenBuild(store, build, contents, settings.variants);
    } catch (error) {
      const known = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_CDN_SHAKEN_FAILED', String(error));
      if (failures.size >= MAX_FAILURES) failures.delete(failures.keys().next().value!);
      failures.set(job.id, { code: known.code, reason: known.detail ?? known.message });
    }
  });
  return {
    async answer(request) {
      const states = await planShakenBuilds(request, {
        metadata: (name, version) => readVersionMetadata(store, 'npm', name, version),
        stored: (name, version, id) => readShakenBuild(store, name, version, id),
        failure: (id) => failures.get(id),
        engine: SHAKEN_ENGINE,
      });
      const builds: Record<string, ShakenBuildState> = {};
      for (const [key, state] of states) {
        if (state.status === 'build') queue.add(state);
        builds[key] = answerOf(state);
      }
      return { builds };
    },
    idle: queue.idle,
    building: () => queue.busy(),
  };
}

type BuildJob = Extract<PlannedState, { status: 'build' }>;

/** The bare specifiers a version's full build imports ("lit-element/lit-element.js"). */
function importedSpecifiers(metadata: VersionMetadata): string[] {
  const found = new Set<string>();
  for (const [file, entry] of Object.entries(metadata.files))
    if (file.startsWith('+/'))
      for (const specifier of entry.imports ?? []) if (!/^(\.|\/)/.test(specifier) && !specifier.includes(':')) found.add(specifier);
  return [...found].sort();
}

/** A queue that runs one job at a time, holds at most `max` waiting (more are dropped: asked again, they come back) and never the same id twice. */
function createBuildQueue(max: number, run: (job: BuildJob) => Promise<void>) {
  const waiting: BuildJob[] = [];
  const ids = new Set<string>();
  let running: Promise<void> | null = null;
  let idleWaiters: Array<() => void> = [];
  const drain = async (): Promise<void> => {
    for (let job = waiting.shift(); job; job = waiting.shift()) {
      await run(job);
      ids.delete(job.id);
    }
    running = null;
    for (const wake of idleWaiters) wake();
    idleWaiters = [];
  };
  return {
    add(job: BuildJob): void {
      if (ids.has(job.id) || waiting.length >= max) return;
      ids.add(job.id);
      waiting.push(job);
      running ??= drain();
    },
    idle: (): Promise<void> => (running ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
    busy: (): boolean => running !== null,
  };
}

function answerOf(state: PlannedState): ShakenBuildState {
  switch (state.status) {
    case 'ready':
      return { status: 'ready', id: state.build.id, replaces: state.build.replaces, files: state.build.files };
    case 'build':
    case 'pending':
      return { status: 'pending' };
    case 'failed':
      return { status: 'failed', code: state.code, reason: state.reason };
    case 'full':
    case 'unused':
      return { status: 'full', reason: state.reason };
  }
}
