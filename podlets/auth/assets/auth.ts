// lit's hydrate support goes before lit: the sign-in box is rendered on the server and hydrated.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import { designStyles } from '@podmap-demo/design';
import { LitElement, css, html } from 'lit';
import { onSessionChange, signIn, signOut, type Session } from './session.ts';

/**
 * The sign-in box: a form while signed out, a greeting and a sign-out button while signed in.
 * On the server, which has no session store, the `user` attribute says who is signed in.
 */
export class PodletAuth extends LitElement {
  static override properties = { session: { state: true }, error: { state: true }, user: {} };
  // The card, fields, buttons and colours are the design system's: one stylesheet for the page.
  static override styles = [
    designStyles,
    css`
      button {
        margin-top: 12px;
      }
    `,
  ];
  /** The store's session once connected in a browser; undefined on the server. */
  session: Session | null | undefined = undefined;
  declare user: string | undefined;
  error = '';
  #unsubscribe?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = onSessionChange((session) => (this.session = session));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const user = String(data.get('user') ?? '').trim();
    if (!user || !String(data.get('password') ?? '')) {
      this.error = 'Enter your user name and password.';
      return;
    }
    this.error = '';
    signIn(user);
  }

  override render() {
    const user = this.session === undefined ? this.user : this.session?.user;
    if (user) {
      return html`<pm1-card
        ><h2 slot="heading">Welcome back</h2>
        <p>Signed in as <strong>${user}</strong>.</p>
        <button @click=${signOut}>Sign out</button>
      </pm1-card>`;
    }
    return html`<pm1-card
      ><h2 slot="heading">Sign in</h2>
      <form @submit=${this.#submit}>
        <pm1-field>
          <label slot="label" for="user">User name</label>
          <input id="user" name="user" autocomplete="username" />
        </pm1-field>
        <pm1-field>
          <label slot="label" for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" />
        </pm1-field>
        <button type="submit">Sign in</button>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      </form>
    </pm1-card>`;
  }
}
customElements.define('podlet-auth', PodletAuth);
