import { attributes } from '../../shared/html.ts';

/** One podlet's fragment in the body. The name is escaped; the HTML is the podlet's, by design. */
export function renderPodletSection(name: string, html: string, options: { fallback: boolean }): string {
  return `<section${attributes({ class: 'podlet', 'data-podlet': name, 'data-fallback': options.fallback })}>${html}</section>\n`;
}

/**
 * A podlet's state for the page (readPageState: JSON already safe inside a script element), as a
 * data block the browser runtime's stores read before any module runs: `data-podmap-state` names
 * the podlet it came from. A data block is never executed; under a CSP it carries the page's
 * nonce all the same, so that a store can tell it from a block a podlet's fragment wrote.
 */
export function renderPageState(name: string, json: string, nonce?: string): string {
  return `<script${attributes({ type: 'application/json', 'data-podmap-state': name, nonce })}>${json}</script>\n`;
}
