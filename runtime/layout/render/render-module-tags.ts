import { attributes, serializeJsonForScript } from '../../shared/html.ts';
import type { PageAssets } from '../assets/page-assets.ts';
import { HYDRATION_GUARD } from './hydration-guard.ts';

/** How the module tags are written; HeadOptions extends it. */
export interface ModuleTagOptions {
  /** A per-response CSP nonce for the inline scripts (the import map and the loader). */
  nonce?: string;
  /** 'native' (default): import maps, es-module-shims only where they are missing. 'shim': es-module-shims shim mode for every browser. */
  mode?: 'native' | 'shim';
}

/**
 * The part of a head that podmap owns: the import map, the es-module-shims loader and the
 * modulepreloads. A page composed by another layout (`@podium/layout`) puts this in its head and
 * writes the podlets' scripts itself; see createPodmapHead().
 */
export function renderModuleTags(assets: PageAssets, options: ModuleTagOptions = {}): string {
  const shim = options.mode === 'shim';
  const nonce = options.nonce;
  const parts = [
    `<script${attributes({ type: shim ? 'importmap-shim' : 'importmap', nonce })}>${serializeJsonForScript(assets.map)}</script>`,
  ];
  if (assets.shimUrl) {
    const shimAttrs = { src: assets.shimUrl, crossorigin: 'anonymous', integrity: assets.shimIntegrity };
    if (shim) {
      // es-module-shims 2 decides shim mode once, when it starts: an async script may run
      // before the parser has reached any importmap-shim or module-shim, so ask for it.
      // Not executable, so no nonce is needed.
      parts.push('<script type="esms-options">{"shimMode":true}</script>');
      parts.push(`<script${attributes({ ...shimAttrs, async: true, nonce })}></script>`);
    } else {
      // es-module-shims costs ~23 KB gzip and an iframe on browsers that need none of it, so
      // it is only fetched where import maps are missing (docs/design.md, "es-module-shims only where needed").
      parts.push(
        `<script${attributes({ nonce })}>if(!(HTMLScriptElement.supports&&HTMLScriptElement.supports("importmap"))){` +
          `var s=document.createElement("script");s.src=${serializeJsonForScript(assets.shimUrl)};s.async=true;s.crossOrigin="anonymous";` +
          (assets.shimIntegrity ? `s.integrity=${serializeJsonForScript(assets.shimIntegrity)};` : '') +
          `document.head.appendChild(s)}</script>`,
      );
    }
  }
  // In shim mode Chromium must not preload natively (it would fetch each module a second time
  // for nothing: es-module-shims fetches and evaluates its own copies); es-module-shims reads
  // `modulepreload-shim` links and starts all those fetches as soon as it runs.
  const rel = shim ? 'modulepreload-shim' : 'modulepreload';
  for (const preload of assets.preloads) {
    parts.push(`<link${attributes({ rel, href: preload.href, crossorigin: 'anonymous', integrity: preload.integrity, nonce })}>`);
  }
  if (assets.hydrate?.length) {
    // Before every podlet's script: each major's lit is evaluated right after its hydrate support
    // (findHydrateScripts says why), and the guard names the podlet when a hydration fails.
    parts.push(`<script${attributes({ nonce })}>${HYDRATION_GUARD}</script>`);
    for (const script of assets.hydrate) {
      const type = shim ? 'module-shim' : 'module';
      parts.push(`<script${attributes({ type, src: script.src, crossorigin: 'anonymous', integrity: script.integrity, nonce })}></script>`);
    }
  }
  return parts.join('\n');
}
