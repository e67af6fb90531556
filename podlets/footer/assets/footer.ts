import { designStyles } from '@podmap-demo/design';
import { LitElement, css, html } from 'lit';

/**
 * The site footer: links and which lit rendered it. The footer renders on the server only
 * ('ssr-only'), and the server says which lit it rendered with in `rendered-with`; rendered in a
 * browser, it names the lit the import map gave it.
 */
export class PodletFooter extends LitElement {
  static override properties = { renderedWith: { attribute: 'rendered-with' } };
  declare renderedWith: string | undefined;

  // Colours and fonts are the design system's tokens: a release of it restyles the footer with
  // no release of the footer. The layout of the footer is its own.
  static override styles = [
    designStyles,
    css`
      :host {
        display: block;
        font: var(--pm-font-small);
        background: var(--pm-surface-subtle);
      }
      footer {
        display: flex;
        flex-wrap: wrap;
        gap: 24px;
        padding: 18px 24px;
      }
      a {
        color: var(--pm-accent);
      }
      small {
        flex-basis: 100%;
      }
    `,
  ];

  override render() {
    return html`<footer>
      <a href="/">Home</a>
      <a href="/search">Search</a>
      <span>© 2026 Podmap Travel</span>
      <small class="muted">Composed from six podlets with one import map. Footer lit: ${this.renderedWith ?? litFolder()}</small>
    </footer>`;
  }
}

/** The CDN folder that "lit" resolved to for this module, e.g. "lit@3.3.3". */
export function litFolder(): string {
  const url = import.meta.resolve('lit');
  return /\/(lit@[^/]+)\//.exec(url)?.[1] ?? url;
}

customElements.define('podlet-footer', PodletFooter);
