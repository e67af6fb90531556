import type { BusMessage, ChannelName, Payload, TopicName } from './protocol.ts';
import { checkNames, getBusState, isBusMessage, MESSAGE_EVENT, PROTOCOL_VERSION } from './shared-state.ts';

// podmap's browser runtime: a publish/subscribe bus on `window` events, shared by podlets on
// any framework and by every copy or version of this runtime on a page.
export type { BusMessage, BusTopics, ChannelName, Payload, TopicName } from './protocol.ts';
export { MESSAGE_EVENT, PROTOCOL_VERSION, shareAcrossTabs, STATE_KEY, type BusState } from './shared-state.ts';

// Log from the moment this copy is evaluated, even if nothing on the page calls it yet.
getBusState();

/** Called with each message on a topic: its payload, and the whole message. */
export type BusHandler<C extends string, T extends string> = (payload: Payload<C, T>, message: BusMessage<C, T>) => void;

/** Options of {@link subscribe}. */
export interface SubscribeOptions {
  /** Deliver the logged messages of the topic, oldest first, before `subscribe` returns. */
  replay?: boolean;
  /** Unsubscribes when aborted, like `addEventListener`'s `signal`. */
  signal?: AbortSignal;
}

// Each function is declared twice: the typed signature with its contract, which tsc keeps in
// the .d.ts and erases from the .js every page loads, then the loose implementation.

/**
 * Publishes `payload` on `channel`/`topic` as a `podmap:message` event on `window` and returns
 * the frozen message. Subscribers run before it returns; one that throws is reported like any
 * event listener and does not stop the others.
 */
export function publish<C extends ChannelName, T extends TopicName<C>>(channel: C, topic: T, payload: Payload<C, T>): BusMessage<C, T>;
export function publish(channel: string, topic: string, payload: unknown): BusMessage {
  checkNames('publish', channel, topic);
  const detail: BusMessage = Object.freeze({
    v: PROTOCOL_VERSION,
    channel,
    topic,
    payload,
    time: Date.now(),
  });
  dispatchEvent(new CustomEvent(MESSAGE_EVENT, { detail }));
  return detail;
}

/**
 * Calls `handler` for each later message on `channel`/`topic`, whoever sends it: any copy of
 * the runtime, code without podmap, another tab when shared. With `replay`, first calls it
 * with the logged messages, oldest first. Returns the function that unsubscribes; calling it
 * again does nothing. Throws a TypeError for bad names or a handler that is not a function.
 */
export function subscribe<C extends ChannelName, T extends TopicName<C>>(
  channel: C,
  topic: T,
  handler: BusHandler<C, T>,
  options?: SubscribeOptions,
): () => void;
export function subscribe(
  channel: string,
  topic: string,
  handler: BusHandler<string, string>,
  { replay, signal }: SubscribeOptions = {},
): () => void {
  checkNames('subscribe', channel, topic);
  if (typeof handler !== 'function') {
    throw new TypeError('podmap: subscribe() needs a function as its handler');
  }
  let active = !signal?.aborted;
  const listener = ({ detail: m }: CustomEvent) => {
    if (isBusMessage(m) && m.channel === channel && m.topic === topic) handler(m.payload, m);
  };
  const unsubscribe = () => {
    active = false;
    removeEventListener(MESSAGE_EVENT, listener as EventListener);
  };
  signal?.addEventListener('abort', unsubscribe);
  if (replay) {
    for (const m of readLog(channel, topic)) {
      // The handler may unsubscribe while it catches up.
      if (!active) break;
      try {
        handler(m.payload, m);
      } catch (error) {
        reportError(error);
      }
    }
  }
  if (active) addEventListener(MESSAGE_EVENT, listener as EventListener);
  return unsubscribe;
}

/** Returns the last message on `channel`/`topic` on this page, or `undefined`. */
export function peek<C extends ChannelName, T extends TopicName<C>>(channel: C, topic: T): BusMessage<C, T> | undefined;
export function peek(channel: string, topic: string): BusMessage | undefined {
  return readLog(channel, topic).at(-1);
}

/** Returns a copy of the log of `channel`/`topic`: its last messages, oldest first. */
export function readLog<C extends ChannelName, T extends TopicName<C>>(channel: C, topic: T): BusMessage<C, T>[];
export function readLog(channel: string, topic: string): BusMessage[] {
  checkNames('readLog', channel, topic);
  return getBusState().logs.get(channel)?.get(topic)?.slice() ?? [];
}

/**
 * Sets how many messages each topic keeps (default DEFAULT_LOG_LIMIT, in shared-state.ts) for
 * every copy of the runtime on the page, and trims the logs at once. Throws a RangeError unless `limit` is an integer ≥ 1.
 */
export function setLogLimit(limit: number): void;
export function setLogLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError('podmap: setLogLimit() needs an integer of at least 1');
  }
  const state = getBusState();
  state.limit = limit;
  for (const topics of state.logs.values()) {
    for (const log of topics.values()) log.splice(0, log.length - limit);
  }
}
