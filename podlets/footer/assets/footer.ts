import { LitElement, css, html } from 'lit';

/** The site footer: links and which lit the footer itself was given by the import map. */
export class PodletFooter extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.4 system-ui,
        sans-serif;
      background: #eef2f6;
      color: #334;
    }
    footer {
      display: flex;
      flex-wrap: wrap;
      gap: 24px;
      padding: 18px 24px;
    }
    a {
      color: #0b5cad;
    }
    small {
      flex-basis: 100%;
      color: #667;
    }
  `;

  override render() {
    return html`<footer>
      <a href="/">Home</a>
      <a href="/search">Search</a>
      <span>© 2026 Podmap Travel</span>
      <small>Composed from six podlets with one import map. Footer lit: ${litFolder()}</small>
    </footer>`;
  }
}

/** The CDN folder that "lit" resolved to for this module, e.g. "lit@3.3.3". */
export function litFolder(): string {
  const url = import.meta.resolve('lit');
  return /\/(lit@[^/]+)\//.exec(url)?.[1] ?? url;
}

customElements.define('podlet-footer', PodletFooter);
