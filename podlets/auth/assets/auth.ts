import { LitElement, css, html } from 'lit';
import { onSessionChange, signIn, signOut, type Session } from './session.ts';

/** The sign-in box: a form while signed out, a greeting and a sign-out button while signed in. */
export class PodletAuth extends LitElement {
  static override properties = { session: { state: true }, error: { state: true } };
  static override styles = css`
    :host {
      display: block;
      font:
        15px/1.4 system-ui,
        sans-serif;
      background: #fff;
      border: 1px solid #d8dee4;
      border-radius: 10px;
      padding: 16px;
    }
    h2 {
      margin: 0 0 12px;
      font-size: 18px;
    }
    label {
      display: block;
      margin: 8px 0 4px;
      font-weight: 600;
    }
    input {
      box-sizing: border-box;
      width: 100%;
      padding: 8px;
      border: 1px solid #aab4be;
      border-radius: 6px;
      font: inherit;
    }
    button {
      margin-top: 12px;
      padding: 8px 14px;
      border: 0;
      border-radius: 6px;
      background: #0b5cad;
      color: #fff;
      font: inherit;
      cursor: pointer;
    }
    .error {
      color: #b00020;
      margin: 8px 0 0;
    }
  `;
  session: Session | null = null;
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
    if (this.session) {
      return html`<h2>Welcome back</h2>
        <p>Signed in as <strong>${this.session.user}</strong>.</p>
        <button @click=${signOut}>Sign out</button>`;
    }
    return html`<h2>Sign in</h2>
      <form @submit=${this.#submit}>
        <label for="user">User name</label>
        <input id="user" name="user" autocomplete="username" />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" />
        <button type="submit">Sign in</button>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      </form>`;
  }
}
customElements.define('podlet-auth', PodletAuth);
