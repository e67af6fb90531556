import { attributes, escapeHtml } from '../../shared/html.ts';
import type { PageAssets } from '../assets/page-assets.ts';
import { renderModuleTags, type ModuleTagOptions } from './render-module-tags.ts';

/** What a page's head shows besides its assets: the title, the layout's stylesheets, and the nonce and mode of its module tags. */
export interface HeadOptions extends ModuleTagOptions {
  title: string;
  /** Extra stylesheets of the layout itself. */
  layoutCss?: string[];
}

/**
 * The `<head>` of a page: the one import map, the loader snippet, a modulepreload for every
 * module of the graph, stylesheets and entry modules. It depends only on cached manifests, so
 * the layout sends it before any podlet has answered (docs/design.md, "The head goes first").
 *
 * `crossorigin="anonymous"` on both preloads and module scripts: a preload is only reused when
 * its credentials mode matches the script's (docs/design.md, "Preload the whole graph").
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
