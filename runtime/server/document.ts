import type { PageAssets } from './build-page-assets.ts';
import { attributes, escapeHtml, serializeJsonForScript } from './html.ts';

export interface HeadOptions {
  title: string;
  /** Extra stylesheets of the layout itself. */
  layoutCss?: string[];
  /** A per-response CSP nonce for the inline scripts (the import map and the loader). */
  nonce?: string;
  /** 'native' (default): import maps, es-module-shims only where they are missing. 'shim': es-module-shims shim mode for every browser. */
  mode?: 'native' | 'shim';
}

/**
 * The `<head>` of a page: the one import map, the loader snippet, a modulepreload for every
 * module of the graph, stylesheets and entry modules. It depends only on cached manifests, so
 * the layout sends it before any podlet has answered (DESIGN.md decision 5).
 *
 * `crossorigin="anonymous"` on both preloads and module scripts: a preload is only reused when
 * its credentials mode matches the script's (DESIGN.md decision 4).
 */
export function renderHead(assets: PageAssets, options: HeadOptions): string {
  const shim = options.mode === 'shim';
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(options.title)}</title>`,
    // No favicon request: it would 404 on every page of a layout that has none.
    '<link rel="icon" href="data:,">',
    renderModuleTags(assets, options),
  ];
  for (const href of options.layoutCss ?? []) parts.push(`<link${attributes({ rel: 'stylesheet', href })}>`);
  for (const sheet of assets.stylesheets) parts.push(`<link${attributes({ rel: 'stylesheet', href: sheet.href, media: sheet.media })}>`);
  for (const script of assets.scripts) {
    const isModule = script.type === 'module';
    const type = isModule ? (shim ? 'module-shim' : 'module') : undefined;
    parts.push(
      `<script${attributes({ type, src: script.src, crossorigin: isModule ? 'anonymous' : undefined, integrity: script.integrity, defer: !isModule, nonce: options.nonce })}></script>`,
    );
  }
  parts.push('</head>');
  return parts.join('\n') + '\n';
}

/**
 * The part of a head that podmap owns: the import map, the es-module-shims loader and the
 * modulepreloads. A page composed by another layout (`@podium/layout`) puts this in its head and
 * writes the podlets' scripts itself; see createPodmapHead().
 */
export function renderModuleTags(assets: PageAssets, options: Pick<HeadOptions, 'nonce' | 'mode'> = {}): string {
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
      // it is only fetched where import maps are missing (DESIGN.md decision 6).
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
  return parts.join('\n');
}

/** One podlet's fragment in the body. The name is escaped; the HTML is the podlet's, by design. */
export function renderPodletSection(name: string, html: string, options: { fallback: boolean }): string {
  return `<section${attributes({ class: 'podlet', 'data-podlet': name, 'data-fallback': options.fallback })}>${html}</section>\n`;
}
