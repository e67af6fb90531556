import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { PodmapError } from '../../shared/errors.ts';
import type { PageComposer } from '../create-page-composer.ts';
import type { LayoutPage } from '../create-page-server.ts';
import { buildWorkerConfig, type PageWithAssets, type ResolvedServiceWorker } from './worker-config.ts';

/** The compiled worker (runtime/browser/worker/podmap-sw.ts), read once. */
let workerSource: Promise<string> | undefined;
const readWorkerSource = () => (workerSource ??= readFile(fileURLToPath(import.meta.resolve('@podmap/browser/podmap-sw.js')), 'utf8'));

/**
 * Serves the worker script: its configuration from every page's current assets, then the
 * compiled worker. `no-cache`, so the browser's update check always compares the bytes: a podlet
 * release changes the precache list, and with it the script. When a page cannot be composed at
 * all (the CDN down), it answers 503 instead: a worker built from that would drop every cached
 * module, and a failed update check keeps the installed worker.
 */
export function createWorkerScript(
  composer: PageComposer,
  pages: Record<string, LayoutPage>,
  settings: { layoutCss: readonly string[]; mode: 'native' | 'shim'; worker: ResolvedServiceWorker },
) {
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
    const body = `self.podmapWorker = ${JSON.stringify(config)};\n${await readWorkerSource()}`;
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      // The scope is the layout's root even when the script lives deeper.
      'service-worker-allowed': '/',
      'x-content-type-options': 'nosniff',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
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
