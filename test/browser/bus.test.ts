// The bus as one podlet sees it: publish, subscribe, peek, the bounded log and replay, and
// two copies of the runtime loaded from two URLs sharing one state.
import * as bus from '@podmap/browser';
import { publish, subscribe, peek, readLog, setLogLimit, type BusMessage } from '@podmap/browser';
import { deepEqual, equal, ok, throws, uniqueName } from './assert.ts';

declare module '@podmap/browser' {
  interface BusTopics {
    typed: { counter: { count: number } };
  }
}

afterEach(() => setLogLimit(50));

describe('bus', () => {
  it('subscribe() - delivers payload and message of its topic only', () => {
    const channel = uniqueName('ch');
    const got: unknown[] = [];
    subscribe(channel, 'a', (payload, message) => got.push([payload, message.topic, message.v]));
    publish(channel, 'b', 'other topic');
    publish(uniqueName('ch'), 'a', 'other channel');
    publish(channel, 'a', { n: 1 });
    deepEqual(got, [[{ n: 1 }, 'a', 1]]);
  });

  it('publish() - puts a frozen message on a window event that plain listeners see', () => {
    const channel = uniqueName('ch');
    const seen: BusMessage[] = [];
    const listener = (event: Event) => seen.push((event as CustomEvent).detail);
    addEventListener('podmap:message', listener);
    const message = publish(channel, 't', 42);
    removeEventListener('podmap:message', listener);
    equal(seen.length, 1);
    equal(seen[0], message);
    ok(Object.isFrozen(message), 'message is not frozen');
    equal(typeof message.time, 'number');
  });

  it('unsubscribe - stops delivery, and calling it twice does nothing', () => {
    const channel = uniqueName('ch');
    const got: unknown[] = [];
    const unsubscribe = subscribe(channel, 't', (p) => got.push(p));
    publish(channel, 't', 1);
    unsubscribe();
    unsubscribe();
    publish(channel, 't', 2);
    deepEqual(got, [1]);
  });

  it('subscribe() - an aborted signal unsubscribes', () => {
    const channel = uniqueName('ch');
    const got: unknown[] = [];
    const controller = new AbortController();
    subscribe(channel, 't', (p) => got.push(p), { signal: controller.signal });
    publish(channel, 't', 1);
    controller.abort();
    publish(channel, 't', 2);
    deepEqual(got, [1]);
  });

  it('peek() - returns the last message, and undefined for a silent topic', () => {
    const channel = uniqueName('ch');
    equal(peek(channel, 't'), undefined);
    publish(channel, 't', 'first');
    publish(channel, 't', 'second');
    equal(peek(channel, 't')?.payload, 'second');
  });

  it('peek() - a subscriber sees the message it is handling', () => {
    const channel = uniqueName('ch');
    let peeked: unknown;
    subscribe(channel, 't', () => (peeked = peek(channel, 't')?.payload));
    publish(channel, 't', 'now');
    equal(peeked, 'now');
  });

  it('log - keeps the last 50 per topic by default, and what setLogLimit() says', () => {
    const channel = uniqueName('ch');
    for (let i = 1; i <= 60; i++) publish(channel, 't', i);
    const log = readLog(channel, 't');
    equal(log.length, 50);
    equal(log[0]?.payload, 11);
    equal(log[49]?.payload, 60);
    setLogLimit(3);
    deepEqual(
      readLog(channel, 't').map((m) => m.payload),
      [58, 59, 60],
    );
    publish(channel, 't', 61);
    deepEqual(
      readLog(channel, 't').map((m) => m.payload),
      [59, 60, 61],
    );
  });

  it('readLog() - returns a copy that callers cannot use to change the log', () => {
    const channel = uniqueName('ch');
    publish(channel, 't', 1);
    readLog(channel, 't').length = 0;
    equal(readLog(channel, 't').length, 1);
  });

  it('replay - a late subscriber catches up in order, then gets new messages', () => {
    const channel = uniqueName('ch');
    publish(channel, 't', 1);
    publish(channel, 't', 2);
    const got: unknown[] = [];
    subscribe(channel, 't', (p) => got.push(p), { replay: true });
    deepEqual(got, [1, 2]);
    publish(channel, 't', 3);
    deepEqual(got, [1, 2, 3]);
    const withoutReplay: unknown[] = [];
    subscribe(channel, 't', (p) => withoutReplay.push(p));
    deepEqual(withoutReplay, []);
  });

  it('replay - a handler that unsubscribes while catching up gets nothing more', () => {
    const channel = uniqueName('ch');
    publish(channel, 't', 1);
    publish(channel, 't', 2);
    const got: unknown[] = [];
    const controller = new AbortController();
    const handler = (p: unknown) => {
      got.push(p);
      controller.abort();
    };
    subscribe(channel, 't', handler, { replay: true, signal: controller.signal });
    publish(channel, 't', 3);
    deepEqual(got, [1]);
  });

  it('bad arguments - throw what the platform would throw', () => {
    throws(() => publish('' as string, 't', 1), TypeError, 'podmap: publish()');
    throws(() => subscribe('c', 5 as unknown as string, () => {}), TypeError, 'podmap:');
    throws(() => subscribe('c', 't', null as unknown as () => void), TypeError, 'handler');
    throws(() => peek(undefined as unknown as string, 't'), TypeError, 'podmap:');
    throws(() => setLogLimit(0), RangeError, 'podmap:');
    throws(() => setLogLimit(2.5), RangeError, 'podmap:');
  });

  it('a foreign event with a malformed detail is ignored', () => {
    const channel = uniqueName('ch');
    const got: unknown[] = [];
    subscribe(channel, 't', (p) => got.push(p));
    dispatchEvent(new CustomEvent('podmap:message', { detail: { v: 2, channel, topic: 't' } }));
    dispatchEvent(new CustomEvent('podmap:message', { detail: { channel, topic: 't' } }));
    dispatchEvent(new CustomEvent('podmap:message'));
    deepEqual(got, []);
    equal(peek(channel, 't'), undefined);
  });

  it('declared topics type-check their payloads', () => {
    const message = publish('typed', 'counter', { count: 1 });
    const count: number = message.payload.count;
    equal(count, 1);
    // @ts-expect-error a declared channel accepts only its declared topics
    publish('typed', 'undeclared', 1);
  });
});

describe('two copies of the runtime', () => {
  // The same files under another URL (see web-test-runner.config.js): the browser keys modules
  // by URL, so every module of that copy is a new instance, loaded after this file's copy.
  const loadAnotherCopy = async () => (await import(`/copy-${uniqueName('c')}/runtime/browser/public/index.js`)) as typeof bus;

  it('a copy loaded later sees what was published before it loaded', async () => {
    const channel = uniqueName('ch');
    bus.publish(channel, 't', 'before');
    const later = await loadAnotherCopy();
    ok(later !== bus && later.publish !== bus.publish, 'the other copy is the same module');
    equal(later.peek(channel, 't')?.payload, 'before');
    const replayed: unknown[] = [];
    later.subscribe(channel, 't', (p) => replayed.push(p), { replay: true });
    deepEqual(replayed, ['before']);
  });

  it('share peek and the log, each message logged once', async () => {
    const other = await loadAnotherCopy();
    const channel = uniqueName('ch');
    bus.publish(channel, 't', 'from copy 1');
    other.publish(channel, 't', 'from copy 2');
    equal(bus.peek(channel, 't')?.payload, 'from copy 2');
    deepEqual(
      other.readLog(channel, 't').map((m) => m.payload),
      ['from copy 1', 'from copy 2'],
    );
    equal(bus.readLog(channel, 't').length, 2, 'a message was logged twice or not at all');
  });

  it('deliver each other’s messages and share the log limit', async () => {
    const other = await loadAnotherCopy();
    const channel = uniqueName('ch');
    const got: unknown[] = [];
    other.subscribe(channel, 't', (p) => got.push(p));
    bus.publish(channel, 't', 1);
    other.setLogLimit(2);
    bus.publish(channel, 't', 2);
    bus.publish(channel, 't', 3);
    deepEqual(got, [1, 2, 3]);
    equal(bus.readLog(channel, 't').length, 2);
    const replayed: unknown[] = [];
    bus.subscribe(channel, 't', (p) => replayed.push(p), { replay: true });
    deepEqual(replayed, [2, 3]);
  });
});
