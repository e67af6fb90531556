// The types of the wire protocol, version 1 (runtime/browser/README.md); its values live in
// shared-state.ts, which types them from here. Code without podmap relies on both: a breaking
// change needs a new version, a new event type and a new state key.
/**
 * The channel → topic → payload map, empty until a podlet declares its topics:
 * `declare module '@podmap/browser' { interface BusTopics { auth: { user: User | null } } }`.
 * A declared channel accepts only its declared topics and payloads; any other channel accepts
 * any topic with an `unknown` payload.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface BusTopics {}

/** A channel name: a declared one, or any other string. */
export type ChannelName = (keyof BusTopics & string) | (string & {});

/** The topics of channel `C`: the declared ones, or any string for an undeclared channel. */
export type TopicName<C extends string> = C extends keyof BusTopics ? keyof BusTopics[C] & string : string;

/** The payload type of topic `T` on channel `C`, or `unknown` when it is not declared. */
export type Payload<C extends string, T extends string> = C extends keyof BusTopics
  ? T extends keyof BusTopics[C]
    ? BusTopics[C][T]
    : unknown
  : unknown;

/** A message, as it travels in `event.detail` and as `peek` and `readLog` return it. */
export interface BusMessage<C extends string = string, T extends string = string> {
  /** The protocol version (PROTOCOL_VERSION); receivers ignore messages of other versions. */
  readonly v: 1;
  readonly channel: C;
  readonly topic: T;
  /** Any value; structured-cloneable when the channel is shared across tabs. */
  readonly payload: Payload<C, T>;
  /** The sender's `Date.now()`; optional for senders without podmap. */
  readonly time?: number;
  /** Set by the bus on a message from another tab; senders never set it. */
  readonly remote?: true;
}
