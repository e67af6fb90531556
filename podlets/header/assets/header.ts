import { designStyles } from '@podmap-demo/design';
import { LitElement, css, html } from 'lit';
import { onSessionChange, type Session } from '@podlets/auth/session.js';

/** The site header: brand, navigation, and who is signed in (from auth's exposed session module). */
export class PodletHeader extends LitElement {
  static override properties = { session: { state: true } };
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
  session: Session | null = null;
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
    const here = location.pathname;
    return html`<header>
      <a class="brand" href="/">Podmap Travel</a>
      <nav>
        <a href="/" aria-current=${here === '/' ? 'page' : 'false'}>Home</a>
        <a href="/search" aria-current=${here === '/search' ? 'page' : 'false'}>Search</a>
      </nav>
      <span class="who" data-testid="who">${this.session ? `Signed in as ${this.session.user}` : 'Not signed in'}</span>
    </header>`;
  }
}
customElements.define('podlet-header', PodletHeader);
