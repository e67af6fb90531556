import { createHash } from 'node:crypto';
import { createConfigError } from '../../shared/errors.ts';
import type { PageAssets } from '../assets/page-assets.ts';

/** createLayout's `serviceWorker` option, when it is an object (docs/service-worker.md). */
export interface ServiceWorkerOptions {
  /** Where the layout serves the worker script; its scope is the layout's root. Default: DEFAULT_SERVICE_WORKER. */
  path?: string;
  /** How long a navigation waits for the network before the kept copy of the page is served, in ms. Default: DEFAULT_SERVICE_WORKER. */
  navigationTimeoutMs?: number;
  /** Keep a copy of each page a browser visits, to show it offline. Default: DEFAULT_SERVICE_WORKER. */
  offlinePages?: boolean;
  /**
   * The kill switch: pages unregister the worker, and the worker script itself becomes one that
   * deletes podmap's caches and unregisters, for browsers that check for an update before they
   * load a page. Default: DEFAULT_SERVICE_WORKER.
   */
  unregister?: boolean;
}

/** The option with its defaults, as the layout uses it. */
export type ResolvedServiceWorker = Required<ServiceWorkerOptions>;

/** The options a worker has unless the layout says otherwise (docs/service-worker.md). */
export const DEFAULT_SERVICE_WORKER: ResolvedServiceWorker = {
  path: '/podmap-sw.js',
  navigationTimeoutMs: 3000,
  offlinePages: true,
  unregister: false,
};

/** What the worker script starts with (runtime/browser/worker/podmap-sw.ts, WorkerConfig). */
export interface WorkerConfig {
  version: string;
  precache: Array<{ url: string; integrity?: string }>;
  onUse: Array<{ url: string; integrity?: string }>;
  pages: Array<{ path: string; title: string }>;
  navigationTimeoutMs: number;
  offlinePages: boolean;
  unregister: boolean;
}

/** One page of the layout with its current assets. */
export interface PageWithAssets {
  path: string;
  title: string;
  assets: PageAssets;
}

/**
 * The worker's configuration from every page's assets: each module of each page's graph with its
 * integrity (libraries, podlet releases, exposes, entry modules), the podlets' and the layout's
 * stylesheets, and es-module-shims: precached in shim mode, where every browser loads it, and
 * cached on first use in native mode, where only browsers without import maps do. Sorted, so the
 * same pages always make the same bytes. Pure.
 */
export function buildWorkerConfig(
  pages: readonly PageWithAssets[],
  settings: { layoutCss: readonly string[]; mode: 'native' | 'shim'; worker: ResolvedServiceWorker },
): WorkerConfig {
  const precache = new Map<string, string | undefined>();
  const onUse = new Map<string, string | undefined>();
  const add = (into: Map<string, string | undefined>, url: string, integrity?: string) => {
    if (!into.has(url) || integrity) into.set(url, integrity ?? into.get(url));
  };
  for (const { assets } of pages) {
    for (const preload of assets.preloads) add(precache, preload.href, preload.integrity);
    for (const script of assets.scripts) if (script.type === 'module') add(precache, script.src, script.integrity);
    for (const sheet of assets.stylesheets) add(precache, sheet.href);
    if (assets.shimUrl) add(settings.mode === 'shim' ? precache : onUse, assets.shimUrl, assets.shimIntegrity);
  }
  for (const href of settings.layoutCss) add(precache, href);
  for (const url of precache.keys()) onUse.delete(url);
  const list = (from: Map<string, string | undefined>) =>
    [...from].sort(([a], [b]) => (a < b ? -1 : 1)).map(([url, integrity]) => (integrity ? { url, integrity } : { url }));
  const body = {
    precache: list(precache),
    onUse: list(onUse),
    pages: pages.map(({ path, title }) => ({ path, title })),
    navigationTimeoutMs: settings.worker.navigationTimeoutMs,
    offlinePages: settings.worker.offlinePages,
    unregister: settings.worker.unregister,
  };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { version, ...body };
}

const WORKER_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.js$/;

/**
 * createLayout's `serviceWorker` option with its defaults, or null when it is off (the default).
 * Throws PODMAP_ERR_CONFIG_SERVICE_WORKER for a path that could leave the layout's root, carry
 * markup or shadow a page, and for a time-out that is not a positive number.
 */
export function resolveServiceWorker(
  option: boolean | ServiceWorkerOptions | undefined,
  pagePaths: readonly string[],
): ResolvedServiceWorker | null {
  if (option === undefined || option === false) return null;
  if (option === true) return { ...DEFAULT_SERVICE_WORKER };
  const fail = (detail: string, Kind: TypeErrorConstructor | RangeErrorConstructor = TypeError): never => {
    throw createConfigError('PODMAP_ERR_CONFIG_SERVICE_WORKER', detail, Kind);
  };
  if (typeof option !== 'object' || option === null)
    return fail(`serviceWorker must be a boolean or an object, got ${JSON.stringify(option)}`);
  const worker = { ...DEFAULT_SERVICE_WORKER, ...option };
  if (typeof worker.path !== 'string' || !WORKER_PATH.test(worker.path) || worker.path.split('/').includes('..'))
    fail(`serviceWorker.path ${JSON.stringify(worker.path)}`);
  if (pagePaths.includes(worker.path)) fail(`serviceWorker.path ${worker.path} is a page`);
  const timeout = worker.navigationTimeoutMs;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)
    fail(`serviceWorker.navigationTimeoutMs ${JSON.stringify(timeout)}`, RangeError);
  for (const key of ['offlinePages', 'unregister'] as const)
    if (typeof worker[key] !== 'boolean') fail(`serviceWorker.${key} must be a boolean, got ${JSON.stringify(worker[key])}`);
  return worker;
}
