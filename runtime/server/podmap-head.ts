import type { ImportMap } from '../import-map/index.ts';
import { buildPageAssets, DEFAULT_SHIM, type PageAssets } from './build-page-assets.ts';
import { createCdnClient } from './cdn-client.ts';
import { renderModuleTags, type HeadOptions } from './document.ts';
import { createPodletClients } from './podlet-client.ts';

export interface PodmapHeadOptions {
  cdnUrl: string;
  /** The global import map (relative URLs resolve against the CDN). */
  importMap: ImportMap;
  /** Podlet name → manifest URL: every podlet a page may use. */
  podlets: Record<string, string>;
  timeoutMs?: number;
  shim?: { pkg: string; line: string; file: string } | false;
}

/**
 * podmap's import map and preloads for a page that another layout composes — a real
 * `@podium/layout`, say. That layout fetches the podlets and writes their scripts as usual;
 * it puts `await head.render(['header', 'auth'])` into its document head and gets one generated
 * map, the es-module-shims loader and a modulepreload for every module of those podlets' graph.
 * Manifests and maps are cached like the podmap layout's; call `refresh()` after a deploy, or
 * let the cache notice a manifest version change on its own refetch.
 */
export function createPodmapHead(options: PodmapHeadOptions) {
  const cdn = createCdnClient(options.cdnUrl);
  const cache = new Map<string, Promise<PageAssets>>();
  const clients = createPodletClients(options.podlets, { timeoutMs: options.timeoutMs, onChange: () => cache.clear() });
  const shim = options.shim === false ? undefined : (options.shim ?? DEFAULT_SHIM);

  async function assets(names: string[]): Promise<PageAssets> {
    const unknown = names.filter((n) => !clients.has(n));
    if (unknown.length > 0) throw new Error(`podmap: createPodmapHead() does not know podlet(s) ${unknown.join(', ')}`);
    await Promise.all([...clients.values()].filter((c) => !c.state).map((c) => c.refresh()));
    const key = [...names].sort().join(',');
    let hit = cache.get(key);
    if (!hit) {
      hit = buildPageAssets({
        globalMap: options.importMap,
        cdn,
        pagePodlets: names.map((n) => clients.get(n)!),
        allPodlets: [...clients.values()],
        shim,
      });
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  }

  return {
    /** The map, loader and preloads for a page with these podlets, as HTML for the head. */
    async render(names: string[], headOptions: Pick<HeadOptions, 'nonce' | 'mode'> = {}): Promise<string> {
      return renderModuleTags(await assets(names), headOptions);
    },
    /** The same, as data: the map, preload URLs and which podlets cannot run (serve their fallback). */
    assets,
    async refresh(): Promise<void> {
      await Promise.all([...clients.values()].map((c) => c.refresh(true)));
      cache.clear();
    },
  };
}
