import { escapeHtml, serializeJsonForScript } from '../shared/html.ts';
import type { ImportMap } from './create-dev-import-map.ts';

/**
 * The dev server's preview page: the podlet's fragment under a native import map, its entry
 * modules and stylesheets, and each warning of the map (a dependency not installed) as a console
 * warning, so a developer sees in DevTools why a specifier does not resolve.
 */
export function renderPreviewPage(options: {
  name: string;
  importMap: ImportMap;
  html: string;
  entries: string[];
  css: string[];
  warnings: string[];
}): string {
  const { name, importMap, html, entries, css, warnings } = options;
  const lines = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(name)} — podmap dev</title>`,
    '<link rel="icon" href="data:,">',
    `<script type="importmap">${serializeJsonForScript(importMap)}</script>`,
    ...warnings.map((warning) => `<script>console.warn(${serializeJsonForScript(warning)})</script>`),
    ...css.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`),
    ...entries.map((src) => `<script type="module" src="${escapeHtml(src)}"></script>`),
    '</head>',
    '<body>',
    `<main data-podlet="${escapeHtml(name)}">${html}</main>`,
    '</body>',
    '</html>',
    '',
  ];
  return lines.join('\n');
}
