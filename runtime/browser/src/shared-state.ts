// What every copy of the runtime on a page shares: the wire protocol's values, the state on
// `window` and the one recorder. Functions carry their doc comment on a typed signature that
// tsc erases from the .js, which every page pays for.
import type { BusMessage, ChannelName } from './protocol.ts';

/** The protocol version that every message carries as `v`. */
export const PROTOCOL_VERSION: BusMessage['v'] = 1;

/** Messages each topic keeps until setLogLimit() says otherwise. */
export const DEFAULT_LOG_LIMIT = 50;

/** The type of the `CustomEvent` on `window` whose `detail` is a message. */
export const MESSAGE_EVENT = 'podmap:message';

/** True when `value` is a well-formed version-1 message; foreign senders are not trusted. */
export function isBusMessage(value: unknown): value is BusMessage;
export function isBusMessage(value: unknown): value is BusMessage {
  const m = value as BusMessage | null;
  return typeof m === 'object' && m !== null && m.v === PROTOCOL_VERSION && typeof m.channel === 'string' && typeof m.topic === 'string';
}

/** Throws the TypeError a platform API would throw for a name that is not a non-empty string. */
export function checkNames(caller: string, ...names: unknown[]): void;
export function checkNames(caller: string, ...names: unknown[]): void {
  for (const name of names) {
    if (typeof name !== 'string' || !name) {
      throw new TypeError(`podmap: ${caller}() needs non-empty strings for channel and topic`);
    }
  }
}

/**
 * The state that every copy of the runtime on a page shares, on `window[STATE_KEY]`. Its shape
 * is part of the protocol: code without podmap may read it; only the bus writes it.
 */
export interface BusState {
  /** How many messages each topic keeps (≥ 1, default DEFAULT_LOG_LIMIT). */
  limit: number;
  /** channel → topic → messages, oldest first. */
  logs: Map<string, Map<string, BusMessage[]>>;
  /** channel → its BroadcastChannel, for channels shared with other tabs. */
  tabs: Map<string, BroadcastChannel>;
}

/** The key of the shared state; a new protocol version gets a new key. */
export const STATE_KEY = Symbol.for('podmap.bus.v1');

/**
 * Returns the page's bus state; the first call on a page, from any copy, creates it. On a
 * podlet's server, rendering, globalThis has no window's events to listen on.
 */
export function getBusState(): BusState;
export function getBusState(): BusState {
  const global = globalThis as unknown as Record<symbol, BusState | undefined>;
  let state = global[STATE_KEY];
  if (!state) {
    const created: BusState = { limit: DEFAULT_LOG_LIMIT, logs: new Map(), tabs: new Map() };
    state = global[STATE_KEY] = created;
    // One recorder per page, whichever copy comes first, so each message is logged once. A
    // capture listener on the target runs before the subscribers' non-capture listeners, so a
    // subscriber that peeks sees the message it is handling.
    globalThis.addEventListener?.(MESSAGE_EVENT, (event) => record(created, (event as CustomEvent).detail), true);
  }
  return state;
}

function record(state: BusState, message: unknown): void {
  if (!isBusMessage(message)) return;
  const { channel, topic } = message;
  let topics = state.logs.get(channel);
  if (!topics) state.logs.set(channel, (topics = new Map()));
  let log = topics.get(topic);
  if (!log) topics.set(topic, (log = []));
  log.push(message);
  if (log.length > state.limit) log.splice(0, log.length - state.limit);
  // A message that came from another tab is not sent back out: no echo loops.
  if (!message.remote) {
    try {
      state.tabs.get(channel)?.postMessage(message);
    } catch (error) {
      console.warn('podmap: %s/%s not sent to other tabs:', channel, topic, error);
    }
  }
}

/**
 * Shares `channel` with this origin's other tabs through a BroadcastChannel named
 * `podmap:<channel>`, or stops when `enabled` is false. Off by default; each tab opts in. A
 * message from another tab is logged and delivered here with `remote: true`, never re-sent.
 */
export function shareAcrossTabs(channel: ChannelName, enabled?: boolean): void;
export function shareAcrossTabs(channel: string, enabled = true): void {
  checkNames('shareAcrossTabs', channel);
  const { tabs } = getBusState();
  let tab = tabs.get(channel);
  if (enabled && !tab) {
    tabs.set(channel, (tab = new BroadcastChannel('podmap:' + channel)));
    tab.onmessage = ({ data }) => {
      if (isBusMessage(data) && data.channel === channel) {
        const detail = Object.freeze({ ...data, remote: true });
        dispatchEvent(new CustomEvent(MESSAGE_EVENT, { detail }));
      }
    };
  } else if (!enabled && tab) {
    tab.close();
    tabs.delete(channel);
  }
}
