import { attributes, escapeHtml, serializeJsonForScript } from '../../shared/html.ts';
import type { ImportMapOverrides } from './parse-overrides-cookie.ts';

/** Where the notice's "Clear" form posts; the layout answers by expiring the cookie. */
export const CLEAR_OVERRIDES_PATH = '/-/podmap/clear-overrides';

/**
 * The notice a layout writes at the top of the body while an overrides cookie is present: a
 * fixed banner listing the active overrides (and the rejected ones), with a "Clear" button that
 * is a plain form, so it is visible and works even when no script runs. Everything from the
 * cookie is escaped. Rejections also go to a JSON block that the browser module turns into
 * console warnings.
 */
export function renderOverridesNotice(overrides: ImportMapOverrides, pagePath: string, nonce?: string): string {
  const row = (label: string, key: string, value: string, note?: string) =>
    `<li>${label} <code>${escapeHtml(key)}</code> → <code>${escapeHtml(value)}</code>${note ? ` <em>${escapeHtml(note)}</em>` : ''}</li>`;
  const items = [
    ...Object.entries(overrides.imports).map(([k, v]) => row('module', k, v)),
    ...Object.entries(overrides.podlets).map(([k, v]) => row('podlet', k, v)),
    ...overrides.rejected.map((r) => row('<strong>ignored</strong>', r.key, r.value, r.reason)),
  ];
  // A style element with the page's nonce, not style attributes: the layout's CSP allows no inline style otherwise.
  const style =
    '#podmap-overrides{position:fixed;left:0;right:0;bottom:0;z-index:2147483647;margin:0;padding:8px 12px;background:#ffd60a;color:#111;' +
    'font:13px/1.4 system-ui,sans-serif;border-top:2px solid #111;max-height:40vh;overflow:auto}' +
    '#podmap-overrides form{display:inline}#podmap-overrides ul{margin:4px 0 0;padding-left:20px}';
  return (
    `<style${attributes({ nonce })}>${style}</style>` +
    `<aside id="podmap-overrides" role="status">` +
    `<strong>podmap: import-map overrides are active on this page.</strong> ` +
    `<form method="post"${attributes({ action: `${CLEAR_OVERRIDES_PATH}?back=${encodeURIComponent(pagePath)}` })}>` +
    `<button type="submit">Clear overrides</button></form>` +
    `<ul>${items.join('')}</ul>` +
    `<script type="application/json" id="podmap-overrides-data">${serializeJsonForScript({ rejected: overrides.rejected })}</script>` +
    `</aside>\n`
  );
}
