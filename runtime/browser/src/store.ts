// Stores: a channel's state is its last `state` message (runtime/browser/README.md, "Stores").
// An entry of its own, `@podmap/browser/store.js`: pages whose podlets use no store never load it.
import { peek, publish, subscribe } from './index.ts';
import type { BusMessage, BusTopics, ChannelName } from './protocol.ts';
import { checkNames, shareAcrossTabs } from './shared-state.ts';

const TOPIC = 'state';
// Stored JSON longer than this (UTF-16 code units) is neither read back nor written.
const LIMIT = 65_536;

/**
 * The value type of the store of channel `C`: the payload of its declared `state` topic, `never`
 * for a declared channel without one (it accepts no `state` messages), `V` for another channel.
 */
export type StoreValue<C extends string, V = unknown> = C extends keyof BusTopics
  ? 'state' extends keyof BusTopics[C]
    ? BusTopics[C]['state']
    : never
  : V;

/** Options of {@link createStore}. */
export interface StoreOptions {
  /**
   * `'session'` keeps the state in sessionStorage under `podmap:store:<channel>`, as JSON, and
   * restores it on creation when the page has no state on the channel yet. Any other value
   * persists nothing.
   */
  persist?: 'session';
  /** Checks a value restored from storage; a value it rejects is ignored. */
  validate?: (value: unknown) => boolean;
  /** Shares the channel with this origin's other tabs ({@link shareAcrossTabs}). */
  acrossTabs?: boolean;
}

/** The store of one channel, as {@link createStore} returns it. */
export interface Store<V> {
  /** The payload of the channel's last `state` message on the page, or `initial` when none. */
  get(): V;
  /** Publishes `value` as the channel's `state` message; subscribers run before it returns. */
  set(value: V): void;
  /** `set(fn(get()))`. */
  update(fn: (value: V) => V): void;
  /**
   * Calls `handler` with each later state of the channel, whoever sets it. Returns the function
   * that unsubscribes; an aborted `signal` also unsubscribes.
   */
  subscribe(handler: (value: V, message: BusMessage) => void, options?: { signal?: AbortSignal }): () => void;
}

/**
 * Creates a store on `channel`: its state is the payload of the last `state` message on the
 * page, shared by every store of the channel, every copy of the runtime and any code that
 * speaks the bus protocol. `initial` is the value while the channel has no state. Throws a
 * TypeError for a bad channel name, or a handler or `update` function that is not a function.
 */
export function createStore<C extends ChannelName, V = unknown>(
  channel: C,
  initial: StoreValue<C, V>,
  options?: StoreOptions,
): Store<StoreValue<C, V>>;
export function createStore(channel: string, initial: unknown, { persist, validate, acrossTabs }: StoreOptions = {}): Store<unknown> {
  checkNames('createStore', channel);
  if (!globalThis.document?.querySelector) return serverStore(initial);
  const key = 'podmap:store:' + channel;
  const get = () => (peek(channel, TOPIC) ?? { payload: initial }).payload;
  const set = (value: unknown) => void publish(channel, TOPIC, value);
  // What the server knows comes first: a podlet's state for the page, before any module ran.
  const fromServer = peek(channel, TOPIC) ? undefined : serverState(channel);
  if (fromServer) set(fromServer.value);
  if (persist === 'session') {
    try {
      const json = sessionStorage.getItem(key);
      if (json && !peek(channel, TOPIC)) {
        if (json.length > LIMIT) throw new RangeError('too long');
        const value: unknown = JSON.parse(json);
        if (validate && !validate(value)) throw new TypeError('rejected by validate');
        set(value);
      }
    } catch (error) {
      console.warn('podmap: ignored the stored state of %s:', channel, error);
    }
    subscribe(channel, TOPIC, (value) => {
      try {
        const json = JSON.stringify(value) ?? '';
        if (json && json.length <= LIMIT) sessionStorage.setItem(key, json);
        else sessionStorage.removeItem(key);
      } catch (error) {
        console.warn('podmap: did not store the state of %s:', channel, error);
      }
    });
  }
  if (acrossTabs) shareAcrossTabs(channel);
  return {
    get,
    set,
    update(fn) {
      if (typeof fn !== 'function') throw new TypeError('podmap: update() needs a function');
      set(fn(get()));
    },
    subscribe: (handler, options) => subscribe(channel, TOPIC, handler, options),
  };
}

/**
 * A store with nobody to tell: what a module that creates a store at load gets on a podlet's
 * server, rendering (no document), where there is no page to share it with.
 */
function serverStore(value: unknown): Store<unknown>;
function serverStore(value: unknown): Store<unknown> {
  return {
    get: () => value,
    set: (next) => void (value = next),
    update: (fn) => void (value = fn(value)),
    subscribe: () => () => {},
  };
}

/**
 * The state the layout put in the page for `channel`: a podlet's `podmap-state` data block
 * (`<script type="application/json" data-podmap-state="<podlet>">`), read only from the podlet
 * that owns the channel (its name, or its name and ":"). Under a CSP the layout stamps each
 * block with the page's nonce, which a podlet's fragment cannot know: a block without it is one a
 * fragment wrote, and is ignored.
 */
function serverState(channel: string): { value: unknown } | undefined {
  const nonce = document.querySelector<HTMLScriptElement>('script[type="importmap"],script[type="importmap-shim"]')?.nonce ?? '';
  for (const block of document.querySelectorAll<HTMLScriptElement>('script[type="application/json"][data-podmap-state]')) {
    const podlet = block.dataset.podmapState ?? '';
    if ((channel !== podlet && !channel.startsWith(podlet + ':')) || block.nonce !== nonce) continue;
    try {
      const states: unknown = JSON.parse(block.textContent ?? '');
      if (typeof states === 'object' && states !== null && Object.hasOwn(states, channel)) {
        return { value: (states as Record<string, unknown>)[channel] };
      }
    } catch {
      console.warn('podmap: ignored a malformed state block of %s', podlet);
    }
  }
  return undefined;
}
