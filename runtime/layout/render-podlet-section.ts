import { attributes } from '../shared/html.ts';

/** One podlet's fragment in the body. The name is escaped; the HTML is the podlet's, by design. */
export function renderPodletSection(name: string, html: string, options: { fallback: boolean }): string {
  return `<section${attributes({ class: 'podlet', 'data-podlet': name, 'data-fallback': options.fallback })}>${html}</section>\n`;
}
