import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { compressFile, sendCompressedFile, type CompressedFile } from '../../shared/http/answer-compressed-file.ts';
import { PodmapError } from '../../shared/errors.ts';
import type { PageComposer } from '../assets/create-page-composer.ts';
import type { LayoutPage } from '../assets/layout-page.ts';
import { buildWorkerConfig, type PageWithAssets, type ResolvedServiceWorker, type WorkerConfig } from './worker-config.ts';

/** The compiled worker (runtime/browser/worker/podmap-sw.ts), read once. */
let workerSource: Promise<string> | undefined;
const readWorkerSource = () => (workerSource ??= readFile(fileURLToPath(import.meta.resolve('@podmap/browser/podmap-sw.js')), 'utf8'));

/**
 * Serves the worker script: its configuration from every page's current assets, then the
 * compiled worker, compressed as the browser accepts. `no-cache` with an ETag, so the browser's
 * update check always asks and an unchanged script costs a 304: a podlet release changes the
 * precache list, and with it the script and its ETag. When a page cannot be composed at
 * all (the CDN down), it answers 503 instead: a worker built from that would drop every cached
 * module, and a failed update check keeps the installed worker.
 */
export function createWorkerScript(
  composer: PageComposer,
  pages: Record<string, LayoutPage>,
  settings: { layoutCss: readonly string[]; mode: 'native' | 'shim'; worker: ResolvedServiceWorker },
) {
  const scripts: ScriptCache = {};
  return async function serveWorkerScript(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    const withAssets: PageWithAssets[] = [];
    if (!settings.worker.unregister) {
      await composer.ensureManifests();
      for (const [path, page] of Object.entries(pages)) {
        const assets = await composer.assetsFor(page.podlets);
        if (page.podlets.length > 0 && page.podlets.every((name) => assets.fallbackOnly.has(name))) {
          throw new PodmapError('PODMAP_ERR_WORKER_UNAVAILABLE', `page ${path} cannot be composed now`);
        }
        withAssets.push({ path, title: page.title, assets });
      }
    }
    const config = buildWorkerConfig(withAssets, settings);
    // `no-cache` with an ETag: the browser's update check at every navigation gets a 304, not 12 KB.
    sendCompressedFile(req, res, await scriptFor(config, scripts), {
      'cache-control': 'no-cache',
      // The scope is the layout's root even when the script lives deeper.
      'service-worker-allowed': '/',
      'x-content-type-options': 'nosniff',
    });
  };
}

/** A layout's last script, with its compressed copies: rebuilt only when the configuration changes. */
type ScriptCache = { last?: { version: string; script: Promise<CompressedFile> } };

function scriptFor(config: WorkerConfig, cache: ScriptCache): Promise<CompressedFile> {
  if (cache.last?.version !== config.version) {
    const script = readWorkerSource().then((source) =>
      compressFile(Buffer.from(`self.podmapWorker = ${JSON.stringify(config)};\n${source}`), 'text/javascript; charset=utf-8'),
    );
    cache.last = { version: config.version, script };
  }
  return cache.last.script;
}

/**
 * The page's registration snippet: after the page has loaded (so the worker never competes with
 * the page's own requests), or, with the kill switch, the removal of podmap's worker.
 */
export function renderWorkerRegistration(worker: ResolvedServiceWorker): string {
  const path = JSON.stringify(worker.path);
  if (worker.unregister) {
    return `if("serviceWorker"in navigator)navigator.serviceWorker.getRegistrations().then(function(rs){rs.forEach(function(r){var w=r.active||r.waiting||r.installing;if(w&&new URL(w.scriptURL).pathname===${path})r.unregister()})});`;
  }
  return `if("serviceWorker"in navigator)addEventListener("load",function(){navigator.serviceWorker.register(${path},{scope:"/"}).catch(function(e){console.warn("podmap: PODMAP_ERR_WORKER_REGISTRATION: "+e)})});`;
}
