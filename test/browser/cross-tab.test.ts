// Delivery to other tabs through BroadcastChannel, between this page and a same-origin iframe:
// two windows, two bus states, one origin.
import * as bus from '@podmap/browser';
import { deepEqual, equal, ok, uniqueName, wait } from './assert.ts';
import { openOtherTab } from './other-tab.ts';

type Bus = typeof bus;

// Long enough for a BroadcastChannel message between two frames of one process to arrive.
const SETTLE_MS = 150;

describe('across tabs', () => {
  it('delivers both ways when both tabs enable the channel, marked remote, with no echo', async () => {
    const { other, close } = await openOtherTab<Bus>();
    const channel = uniqueName('cart');
    try {
      bus.shareAcrossTabs(channel);
      other.shareAcrossTabs(channel);
      const here: unknown[] = [];
      const there: unknown[] = [];
      bus.subscribe(channel, 'items', (p, m) => here.push([p, m.remote ?? false]));
      other.subscribe(channel, 'items', (p, m) => there.push([p, m.remote ?? false]));

      bus.publish(channel, 'items', ['book']);
      await wait(SETTLE_MS);
      deepEqual(there, [[['book'], true]]);
      deepEqual(here, [[['book'], false]], 'the message came back to its sender');
      equal(other.peek(channel, 'items')?.remote, true);

      other.publish(channel, 'items', ['book', 'pen']);
      await wait(SETTLE_MS);
      deepEqual(here, [
        [['book'], false],
        [['book', 'pen'], true],
      ]);
      deepEqual(bus.peek(channel, 'items')?.payload, ['book', 'pen']);
      equal(there.length, 2, 'a message was echoed between the tabs');
    } finally {
      bus.shareAcrossTabs(channel, false);
      close();
    }
  });

  it('delivers nothing until this tab enables the channel, and nothing after it disables it', async () => {
    const { other, close } = await openOtherTab<Bus>();
    const channel = uniqueName('cart');
    try {
      other.shareAcrossTabs(channel);
      const there: unknown[] = [];
      other.subscribe(channel, 'items', (p) => there.push(p));

      bus.publish(channel, 'items', 'off by default');
      await wait(SETTLE_MS);
      deepEqual(there, []);

      bus.shareAcrossTabs(channel);
      bus.publish(channel, 'items', 'enabled');
      await wait(SETTLE_MS);
      deepEqual(there, ['enabled']);

      bus.shareAcrossTabs(channel, false);
      bus.publish(channel, 'items', 'disabled');
      await wait(SETTLE_MS);
      deepEqual(there, ['enabled']);
      ok(!other.readLog(channel, 'items').some((m) => m.payload !== 'enabled'));
    } finally {
      close();
    }
  });

  it('a payload that cannot be cloned is delivered here and warned about, not sent', async () => {
    const { other, close } = await openOtherTab<Bus>();
    const channel = uniqueName('cart');
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      bus.shareAcrossTabs(channel);
      other.shareAcrossTabs(channel);
      const here: unknown[] = [];
      bus.subscribe(channel, 'fn', (p) => here.push(typeof p));
      bus.publish(channel, 'fn', () => 'not cloneable');
      await wait(SETTLE_MS);
      deepEqual(here, ['function']);
      equal(other.peek(channel, 'fn'), undefined);
      equal(warnings.length, 1);
      ok(String(warnings[0]?.[0]).startsWith('podmap:'), 'the warning is not prefixed podmap:');
    } finally {
      console.warn = warn;
      bus.shareAcrossTabs(channel, false);
      close();
    }
  });
});
