// Two podlets on one page, as a user sees them: a plain-JS podlet with no podmap code (raw
// window events, as the protocol in runtime/browser/README.md describes) and a lit podlet that
// uses the bus, talking both ways.
import { publish, subscribe } from '@podmap/browser';
import { html, LitElement } from 'lit';
import { deepEqual, equal, uniqueName } from './assert.ts';

/** A lit podlet: shows the signed-in user, and asks to sign out through the bus. */
function defineUserBadge(channel: string): string {
  const tag = uniqueName('user-badge');
  class UserBadge extends LitElement {
    static override properties = { user: { state: true } };
    declare user: { name: string } | null;
    #unsubscribe?: () => void;

    constructor() {
      super();
      this.user = null;
    }

    override connectedCallback(): void {
      super.connectedCallback();
      this.#unsubscribe = subscribe(channel, 'user', (user) => (this.user = user as typeof this.user), {
        replay: true,
      });
    }

    override disconnectedCallback(): void {
      super.disconnectedCallback();
      this.#unsubscribe?.();
    }

    override render() {
      return this.user
        ? html`<span>Signed in as ${this.user.name}</span>
            <button @click=${() => publish(channel, 'sign-out', { reason: 'clicked' })}>Sign out</button>`
        : html`<span>Signed out</span>`;
    }
  }
  customElements.define(tag, UserBadge);
  return tag;
}

/** A plain-JS podlet: no bus import, only window events and the documented detail shape. */
function startPlainAuthPodlet(channel: string) {
  const received: unknown[] = [];
  const send = (topic: string, payload: unknown) =>
    dispatchEvent(new CustomEvent('podmap:message', { detail: { v: 1, channel, topic, payload } }));
  const listener = (event: Event) => {
    const { detail } = event as CustomEvent;
    if (detail?.v === 1 && detail.channel === channel && detail.topic === 'sign-out') {
      received.push(detail.payload);
      send('user', null);
    }
  };
  addEventListener('podmap:message', listener);
  return { received, send, stop: () => removeEventListener('podmap:message', listener) };
}

const textOf = (element: Element) => element.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

describe('a plain-JS podlet and a lit podlet', () => {
  it('plain → lit: the lit podlet re-renders on a raw window event', async () => {
    const channel = uniqueName('auth');
    const plain = startPlainAuthPodlet(channel);
    const badge = document.body.appendChild(document.createElement(defineUserBadge(channel))) as LitElement;
    try {
      await badge.updateComplete;
      equal(textOf(badge), 'Signed out');
      plain.send('user', { name: 'Ada' });
      await badge.updateComplete;
      equal(textOf(badge), 'Signed in as Ada Sign out');
    } finally {
      badge.remove();
      plain.stop();
    }
  });

  it('lit → plain: a click in the lit podlet reaches the plain one, whose answer re-renders it', async () => {
    const channel = uniqueName('auth');
    const plain = startPlainAuthPodlet(channel);
    plain.send('user', { name: 'Grace' });
    // Mounted after the message: it catches up through replay.
    const badge = document.body.appendChild(document.createElement(defineUserBadge(channel))) as LitElement;
    try {
      await badge.updateComplete;
      equal(textOf(badge), 'Signed in as Grace Sign out');
      badge.shadowRoot!.querySelector('button')!.click();
      deepEqual(plain.received, [{ reason: 'clicked' }]);
      await badge.updateComplete;
      equal(textOf(badge), 'Signed out');
    } finally {
      badge.remove();
      plain.stop();
    }
  });

  it('a removed lit podlet stops listening', async () => {
    const channel = uniqueName('auth');
    const plain = startPlainAuthPodlet(channel);
    const badge = document.body.appendChild(document.createElement(defineUserBadge(channel))) as LitElement & {
      user: unknown;
    };
    await badge.updateComplete;
    badge.remove();
    plain.send('user', { name: 'Linus' });
    plain.stop();
    equal(badge.user, null);
  });
});
