import { LitElement, css, html } from 'lit';
import { onSessionChange, type Session } from '@podlets/auth/session.js';

/** The site header: brand, navigation, and who is signed in (from auth's exposed session module). */
export class PodletHeader extends LitElement {
  static override properties = { session: { state: true } };
  static override styles = css`
    :host {
      display: block;
      font:
        15px/1.4 system-ui,
        sans-serif;
      background: #0b2545;
      color: #fff;
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
      color: #fff;
      text-decoration: none;
    }
    nav {
      display: flex;
      gap: 16px;
      flex: 1;
    }
    nav a {
      color: #cfe3ff;
      text-decoration: none;
    }
    nav a[aria-current='page'] {
      color: #fff;
      text-decoration: underline;
    }
    .who {
      color: #cfe3ff;
    }
  `;
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
