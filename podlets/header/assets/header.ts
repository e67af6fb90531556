// lit's hydrate support goes before lit: the header is rendered on the server and hydrated.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import { designStyles } from '@podmap-demo/design';
import { LitElement, css, html } from 'lit';
import { onSessionChange, type Session } from '@podlets/auth/session.js';

/**
 * The site header: brand, navigation, and who is signed in (from auth's exposed session module).
 * Rendered on the server, where there is no page to read: the server passes the page's path and
 * the user the layout knows as the `path` and `user` attributes, and the browser's first render,
 * which hydrates, reads the same (the session store starts from auth's server state).
 */
export class PodletHeader extends LitElement {
  static override properties = { session: { state: true }, path: {}, user: {} };
  // Colours and fonts are the design system's tokens (the brand band): a release of it restyles
  // the header with no release of the header. The layout of the band is the header's own.
  static override styles = [
    designStyles,
    css`
      :host {
        display: block;
        background: var(--pm-brand);
        color: var(--pm-on-brand);
      }
      header {
        display: flex;
        align-items: center;
        gap: 24px;
        padding: 14px 24px;
      }
      .brand {
        font-size: 20px;
        font-weight: 700;
        color: var(--pm-on-brand);
        text-decoration: none;
      }
      nav {
        display: flex;
        gap: 16px;
        flex: 1;
      }
      nav a {
        color: var(--pm-on-brand-muted);
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        color: var(--pm-on-brand);
        text-decoration: underline;
      }
      .who {
        color: var(--pm-on-brand-muted);
      }
    `,
  ];
  /** The store's session once connected in a browser; undefined on the server. */
  session: Session | null | undefined = undefined;
  declare path: string | undefined;
  declare user: string | undefined;
  #unsubscribe?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = onSessionChange((session) => (this.session = session));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
  }

  override render() {
    const here = this.path ?? globalThis.location?.pathname;
    const user = this.session === undefined ? this.user : this.session?.user;
    return html`<header>
      <a class="brand" href="/">Podmap Travel</a>
      <nav>
        <a href="/" aria-current=${here === '/' ? 'page' : 'false'}>Home</a>
        <a href="/search" aria-current=${here === '/search' ? 'page' : 'false'}>Search</a>
      </nav>
      <span class="who" data-testid="who">${user ? `Signed in as ${user}` : 'Not signed in'}</span>
    </header>`;
  }
}
customElements.define('podlet-header', PodletHeader);
