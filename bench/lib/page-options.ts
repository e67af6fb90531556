import { demoPages } from '../../layouts/demo-wiring.ts';
import type { LoadRecord } from './record-page-load.ts';

/**
 * bench:page's settings, from the environment (bench/page.ts lists them). 40 and 150 ms are the
 * issue's conditions; 0 ms is a diagnostic: what remains without latency is the browser's own cost
 * (per module, per connection), not round trips.
 */
export const pageBench = (() => {
  const reps = Number(process.env.BENCH_REPS ?? 7);
  const browsers = (process.env.BENCH_BROWSERS ?? 'chromium,firefox').split(',');
  return {
    reps,
    /** Repetitions of U+P SW (the first swReps of each latency include it). */
    swReps: Number(process.env.BENCH_SW_REPS ?? reps),
    latencies: (process.env.BENCH_LATENCIES ?? '0,40,150').split(',').map(Number),
    /** Chromium: every variant and scenario, CDP emulation. Firefox: U+P and B, cold home and home → search, one latency made by a delaying proxy. */
    chromium: browsers.includes('chromium'),
    firefox: browsers.includes('firefox'),
    firefoxReps: Number(process.env.BENCH_FIREFOX_REPS ?? reps),
    firefoxLatency: Number(process.env.BENCH_FIREFOX_LATENCY ?? 40),
  };
})();

// U+P 7o: podmap as shipped before podlet releases moved to the CDN: each podlet serves its own
// modules, so a page opens one connection per podlet origin (7 in all).
export const variants = ['U', 'U+P', 'U+P SSR', 'U+P 7o', 'B', 'B SSR', 'S', 'U+P h1', 'U+P SW'] as const;
export type Variant = (typeof variants)[number];

/**
 * How each variant's demo podlets render (docs/render-modes.md): 'client' starts them with
 * PODMAP_DEMO_RENDER=client, every podlet rendering in the browser as before server rendering
 * existed; 'demo' runs the demo as it is (header, auth, image and search hydrate, the footer is
 * ssr-only, geo stays on the client). Every variant from before server rendering keeps 'client',
 * so its figures compare with earlier runs: what U, U+P 7o, S, U+P h1 and U+P SW measure (preloads,
 * origins, bundling, HTTP/1.1, the service worker) is not where the podlets render. U+P SSR and
 * B SSR are the server-rendered demo, through the import map and through one bundle per page.
 */
export const variantRender: Record<Variant, DemoRender> = {
  U: 'client',
  'U+P': 'client',
  'U+P SSR': 'demo',
  'U+P 7o': 'client',
  B: 'client',
  'B SSR': 'demo',
  S: 'client',
  'U+P h1': 'client',
  'U+P SW': 'client',
};
export type DemoRender = 'client' | 'demo';
export const scenarios = ['cold home', 'home → search', 'revisit home', 'home after release', 'offline reload'] as const;
export type Scenario = (typeof scenarios)[number];

/** The demo's two pages by the names the bundles and tables use, and their podlets. */
export const pages = { home: demoPages['/'].podlets, search: demoPages['/search'].podlets };
export const pagePaths = ['/', '/search'];
export const pageName = (path: string): 'home' | 'search' => (path === '/' ? 'home' : 'search');

/** One step of one visit, with what the servers counted meanwhile. */
export interface Sample extends LoadRecord {
  variant: Variant;
  scenario: Scenario;
  latencyMs: number;
  rep: number;
  /** Module requests from the browser that the stack's CDN answered during this step (U+P and U+P SW). */
  cdnModules?: number;
  /** Fetches of the worker script during this step (registration, the browser's update check), at the layout. */
  workerScriptFetches?: number;
  /** U+P SW: their body bytes as the layout sent them; `bytes` counts these in place of CDP's figure for the script, `cdpBytes` is CDP's own total. */
  workerScriptBytes?: number;
  cdpBytes?: number;
  /**
   * U+P SW, home → search: the worker's first install before it. The page's load event until the
   * worker controlled the page; how long the bench still had to wait for that after cold home was
   * measured; what the worker fetched from the network (CDP, from the start of cold home); module
   * requests at the CDN during the wait.
   */
  installAfterLoadMs?: number;
  installWaitMs?: number;
  installBytes?: number;
  installCdnModules?: number;
  /**
   * U+P SW, home after release: after the step, until the new worker held the new footer (and no
   * other): how long, the worker's network bytes and requests, CDN module requests and worker-script
   * fetches in that time.
   */
  updateWaitMs?: number;
  updateBytes?: number;
  updateCdnModules?: number;
  updateScriptFetches?: number;
  updateScriptBytes?: number;
  updateFetches?: string[];
  /** The load could not happen (offline without a worker): why. */
  failed?: string;
}

/** What a step that could not load at all records: no figures. */
export function failedRecord(why: string): LoadRecord & { failed: string } {
  return {
    renderedMs: NaN,
    podlets: NaN,
    requests: NaN,
    cached: NaN,
    fromWorker: NaN,
    workerRequests: NaN,
    bytes: NaN,
    moduleBytes: NaN,
    documentBytes: NaN,
    scriptBytes: NaN,
    origins: NaN,
    ttfbMs: NaN,
    htmlDoneMs: NaN,
    lastResourceMs: NaN,
    chainDepth: NaN,
    chain: [],
    protocols: [],
    workerFetches: [],
    failed: why,
  };
}
