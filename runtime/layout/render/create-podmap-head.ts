import type { ImportMap } from '../../import-map/index.ts';
import { createConfigError } from '../../shared/errors.ts';
import { createPageComposer } from '../assets/create-page-composer.ts';
import type { PageAssets, ShimLocation } from '../assets/page-assets.ts';
import type { HeadOptions } from './render-head.ts';
import { renderModuleTags } from './render-module-tags.ts';

export interface PodmapHeadOptions {
  cdnUrl: string;
  /** The global import map (relative URLs resolve against the CDN). */
  importMap: ImportMap;
  /** Podlet name → manifest URL: every podlet a page may use. */
  podlets: Record<string, string>;
  /** Per-podlet time-out for manifests, in ms; default DEFAULT_PODLET_TIMEOUT_MS. */
  timeoutMs?: number;
  /** How long a page's assets are kept before they are rebuilt in the background, in ms; default DEFAULT_ASSETS_TTL_MS. */
  assetsTtlMs?: number;
  shim?: ShimLocation | false;
}

/** podmap's part of a head for a page that another layout composes; see createPodmapHead(). */
export interface PodmapHead {
  /** The map, loader and preloads for a page with these podlets, as HTML for the head. */
  render(podletNames: string[], options?: Pick<HeadOptions, 'nonce' | 'mode'>): Promise<string>;
  /** The same as data: the map, preload URLs and which podlets cannot run (serve their fallback). */
  assets(podletNames: string[]): Promise<PageAssets>;
  /** Fetches every manifest now and drops the cached assets; call it after a deploy. */
  refresh(): Promise<void>;
}

/**
 * podmap's import map and preloads for a page that another layout composes — a real
 * `@podium/layout`, say. That layout fetches the podlets and writes their scripts as usual; it
 * puts `await head.render(['header', 'auth'])` into its document head and gets one generated map,
 * the es-module-shims loader and a modulepreload for every module of those podlets' graph.
 *
 * It shares createLayout()'s composer, so it caches the same way: assets are kept for
 * `assetsTtlMs` and rebuilt in the background, a podlet's new manifest version drops them, and a
 * podlet that is down is waited for on the first call only. Unknown podlet names throw
 * PODMAP_ERR_CONFIG_UNKNOWN_PODLET.
 */
export function createPodmapHead(options: PodmapHeadOptions): PodmapHead {
  const composer = createPageComposer(options);

  async function assets(names: string[]): Promise<PageAssets> {
    const unknown = names.filter((n) => !composer.podlets.has(n));
    if (unknown.length > 0)
      throw createConfigError('PODMAP_ERR_CONFIG_UNKNOWN_PODLET', `createPodmapHead() does not know ${unknown.join(', ')}`);
    await composer.ensureManifests();
    return composer.assetsFor(names);
  }

  return {
    assets,
    async render(names, headOptions = {}) {
      return renderModuleTags(await assets(names), headOptions);
    },
    refresh: () => composer.refresh(),
  };
}
