// createStore(): one state per channel for the whole page, carried by the bus as the last
// `state` message of the channel, so two stores, two copies of the runtime, another tab (when
// opted in) and code without podmap all see the same value.
import * as bus from '@podmap/browser';
import { peek, publish, type BusMessage } from '@podmap/browser';
import * as storeModule from '@podmap/browser/store.js';
import { createStore } from '@podmap/browser/store.js';
import { deepEqual, equal, ok, throws, uniqueName, wait } from './assert.ts';
import { openOtherTab } from './other-tab.ts';

/** A copy of the runtime as a podlet would import it: the bus and its store entry. */
type Bus = typeof bus & typeof storeModule;

declare module '@podmap/browser' {
  interface BusTopics {
    prefs: { state: { theme: 'light' | 'dark' } };
  }
}

const storageKey = (channel: string) => `podmap:store:${channel}`;

/** Replaces console.warn while `fn` runs and returns what it was called with. */
async function captureWarnings(fn: () => unknown): Promise<unknown[][]> {
  const warnings: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return warnings;
}

// Long enough for a BroadcastChannel message between two frames of one process to arrive.
const SETTLE_MS = 150;

describe('createStore()', () => {
  it('get() - is the initial value until a state is set, then the last state', () => {
    const store = createStore(uniqueName('st'), 0);
    equal(store.get(), 0);
    store.set(1);
    store.set(2);
    equal(store.get(), 2);
  });

  it('two stores of one channel share one state; the initial value is not published', () => {
    const channel = uniqueName('st');
    const a = createStore(channel, 'a');
    const b = createStore(channel, 'b');
    equal(peek(channel, 'state'), undefined);
    a.set('set by a');
    equal(b.get(), 'set by a');
    b.update((v) => v + ', then b');
    equal(a.get(), 'set by a, then b');
  });

  it('subscribe() - gets each later state from any store, and unsubscribe stops it', () => {
    const channel = uniqueName('st');
    const a = createStore(channel, 0);
    const b = createStore(channel, 0);
    const got: unknown[] = [];
    const unsubscribe = a.subscribe((value, message) => got.push([value, message.topic]));
    a.set(1);
    b.set(2);
    unsubscribe();
    unsubscribe();
    b.set(3);
    deepEqual(got, [
      [1, 'state'],
      [2, 'state'],
    ]);
    createStore(uniqueName('st'), 0).set(4);
    publish(channel, 'other topic', 5);
    equal(got.length, 2, 'a store saw another channel or topic');
  });

  it('subscribe() - an aborted signal unsubscribes', () => {
    const store = createStore(uniqueName('st'), 0);
    const got: unknown[] = [];
    const controller = new AbortController();
    store.subscribe((v) => got.push(v), { signal: controller.signal });
    store.set(1);
    controller.abort();
    store.set(2);
    deepEqual(got, [1]);
  });

  it('update() - sets what the function returns from the current state', () => {
    const store = createStore(uniqueName('st'), { count: 1 });
    const got: unknown[] = [];
    store.subscribe((v) => got.push(v));
    store.update(({ count }) => ({ count: count + 1 }));
    store.update(({ count }) => ({ count: count * 10 }));
    deepEqual(store.get(), { count: 20 });
    deepEqual(got, [{ count: 2 }, { count: 20 }]);
  });

  it('bad arguments - throw what the platform would throw', () => {
    throws(() => createStore('' as string, 0), TypeError, 'podmap: createStore()');
    throws(() => createStore(7 as unknown as string, 0), TypeError, 'podmap:');
    const store = createStore(uniqueName('st'), 0);
    throws(() => store.subscribe(null as unknown as () => void), TypeError, 'podmap:');
    throws(() => store.update('x' as unknown as () => number), TypeError, 'podmap: update()');
  });

  it('declared channels type the value', () => {
    const store = createStore('prefs', { theme: 'light' });
    const theme: 'light' | 'dark' = store.get().theme;
    equal(theme, store.get().theme);
    // @ts-expect-error the declared state type of the channel
    createStore('prefs', { theme: 'blue' });
    // @ts-expect-error set() takes the declared state type
    store.set({ theme: 'blue' });
    // @ts-expect-error a declared channel without a `state` topic has no store
    createStore('typed', { count: 1 });
    const inferred = createStore(uniqueName('st'), 1);
    // @ts-expect-error an undeclared channel takes the type of its initial value
    inferred.set('one');
  });
});

describe('createStore() - code without podmap', () => {
  it('a plain listener of the window events sees set(), and a plain publisher sets the state', () => {
    const channel = uniqueName('st');
    const store = createStore(channel, 'initial');
    const seen: unknown[] = [];
    const listener = ({ detail: m }: CustomEvent) => {
      if (m?.v === 1 && m.channel === channel && m.topic === 'state') seen.push(m.payload);
    };
    addEventListener('podmap:message', listener as EventListener);
    const got: unknown[] = [];
    store.subscribe((v) => got.push(v));
    try {
      store.set('from the store');
      dispatchEvent(new CustomEvent('podmap:message', { detail: { v: 1, channel, topic: 'state', payload: 'from plain code' } }));
    } finally {
      removeEventListener('podmap:message', listener as EventListener);
    }
    deepEqual(seen, ['from the store', 'from plain code']);
    deepEqual(got, ['from the store', 'from plain code']);
    equal(store.get(), 'from plain code');
    // What plain code reads as the current state (README, "Joining without podmap").
    const state = (window as unknown as Record<symbol, { logs: Map<string, Map<string, BusMessage[]>> }>)[Symbol.for('podmap.bus.v1')];
    equal(state?.logs.get(channel)?.get('state')?.at(-1)?.payload, 'from plain code');
  });
});

describe('createStore() - two copies of the runtime', () => {
  const loadAnotherCopy = async (): Promise<Bus> => {
    const copy = uniqueName('c');
    // Written out in each import(): es-module-shims (shim group) mis-resolves an import() whose
    // template literal starts with an expression.
    const store = (await import(`/copy-${copy}/runtime/browser/public/store.js`)) as typeof storeModule;
    return { ...((await import(`/copy-${copy}/runtime/browser/public/index.js`)) as typeof bus), ...store };
  };

  it('stores from two copies share one state and each other’s updates', async () => {
    const other = await loadAnotherCopy();
    ok(other.createStore !== createStore, 'the other copy is the same module');
    const channel = uniqueName('st');
    const here = createStore(channel, 0);
    here.set(1);
    const there = other.createStore(channel, 0);
    equal(there.get(), 1);
    const got: unknown[] = [];
    here.subscribe((v) => got.push(v));
    there.update((v) => (v as number) + 1);
    equal(here.get(), 2);
    deepEqual(got, [2]);
    equal(bus.readLog(channel, 'state').length, 2, 'a state was logged twice or not at all');
  });
});

describe('createStore() - persist', () => {
  it('keeps the state in sessionStorage and restores it when the page has no state yet', async () => {
    const channel = uniqueName('st');
    try {
      const store = createStore(channel, { n: 0 }, { persist: 'session' });
      equal(sessionStorage.getItem(storageKey(channel)), null, 'the initial value was stored');
      store.set({ n: 1 });
      createStore(channel, { n: 0 }).set({ n: 2 });
      equal(sessionStorage.getItem(storageKey(channel)), '{"n":2}');
      // Another window of this tab: its own bus, the same sessionStorage, like the next page.
      const { other, close } = await openOtherTab<Bus>();
      try {
        deepEqual(other.createStore(channel, { n: 0 }, { persist: 'session' }).get(), { n: 2 });
        deepEqual(other.createStore(channel, { n: 0 }).get(), { n: 2 }, 'the restored state is not on the page');
      } finally {
        close();
      }
      // A store of a channel that already has a state on the page does not restore.
      sessionStorage.setItem(storageKey(channel), '{"n":99}');
      deepEqual(createStore(channel, { n: 0 }, { persist: 'session' }).get(), { n: 2 });
    } finally {
      sessionStorage.removeItem(storageKey(channel));
    }
  });

  it('is off by default, and for any value but session', () => {
    const channel = uniqueName('st');
    createStore(channel, 0).set(1);
    createStore(channel, 0, { persist: 'local' as 'session' }).set(2);
    equal(sessionStorage.getItem(storageKey(channel)), null);
  });

  it('ignores a malformed, oversized or rejected stored value with a podmap: warning', async () => {
    const cases: [string, string, ((value: unknown) => boolean)?][] = [
      ['malformed', '{"n": 1'],
      ['oversized', JSON.stringify('x'.repeat(70_000))],
      ['rejected', '"a string"', (value) => typeof value === 'object'],
    ];
    for (const [name, stored, validate] of cases) {
      const channel = uniqueName('st');
      sessionStorage.setItem(storageKey(channel), stored);
      try {
        let store: storeModule.Store<unknown> | undefined;
        const warnings = await captureWarnings(() => (store = createStore(channel, 'initial', { persist: 'session', validate })));
        equal(store?.get(), 'initial', `a ${name} stored value was restored`);
        equal(peek(channel, 'state'), undefined);
        equal(warnings.length, 1, `no warning for a ${name} stored value`);
        ok(String(warnings[0]?.[0]).startsWith('podmap:'), 'the warning is not prefixed podmap:');
        store!.set('next');
        equal(sessionStorage.getItem(storageKey(channel)), '"next"');
      } finally {
        sessionStorage.removeItem(storageKey(channel));
      }
    }
  });

  it('a state that cannot be stored is warned about, and no stale value is left', async () => {
    const channel = uniqueName('st');
    try {
      const store = createStore<string, unknown>(channel, 0, { persist: 'session' });
      store.set(1);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const warnings = await captureWarnings(() => store.set(cyclic));
      equal(store.get(), cyclic, 'the state was not set');
      equal(warnings.length, 1);
      ok(String(warnings[0]?.[0]).startsWith('podmap:'), 'the warning is not prefixed podmap:');
      store.set('x'.repeat(70_000));
      equal(sessionStorage.getItem(storageKey(channel)), null, 'an oversized state was stored');
    } finally {
      sessionStorage.removeItem(storageKey(channel));
    }
  });
});

describe('createStore() - across tabs', () => {
  it('syncs the state with another tab when both opt in', async () => {
    const { other, close } = await openOtherTab<Bus>();
    const channel = uniqueName('st');
    try {
      const here = createStore(channel, 0, { acrossTabs: true });
      const there = other.createStore(channel, 0, { acrossTabs: true });
      const gotThere: unknown[] = [];
      there.subscribe((v, m) => gotThere.push([v, m.remote ?? false]));
      here.set(1);
      await wait(SETTLE_MS);
      equal(there.get(), 1);
      deepEqual(gotThere, [[1, true]]);
      there.update((v) => (v as number) + 1);
      await wait(SETTLE_MS);
      equal(here.get(), 2);
      equal(bus.readLog(channel, 'state').length, 2, 'a state was echoed between the tabs');
    } finally {
      bus.shareAcrossTabs(channel, false);
      close();
    }
  });

  it('does not sync when this tab has not opted in', async () => {
    const { other, close } = await openOtherTab<Bus>();
    const channel = uniqueName('st');
    try {
      const here = createStore(channel, 0);
      const there = other.createStore(channel, 0, { acrossTabs: true });
      here.set(1);
      there.set(5);
      await wait(SETTLE_MS);
      equal(there.get(), 5);
      equal(here.get(), 1);
    } finally {
      close();
    }
  });
});

describe('createStore() - state from the server', () => {
  /** A data block as the layout writes one for a podlet's podmap-state header. */
  function block(podlet: string, states: unknown, nonce = ''): HTMLScriptElement {
    const script = document.createElement('script');
    script.type = 'application/json';
    script.dataset.podmapState = podlet;
    script.textContent = JSON.stringify(states);
    if (nonce) script.nonce = nonce;
    document.body.append(script);
    return script;
  }

  it("starts from the owning podlet's state in the page, before anything was published", () => {
    const podlet = uniqueName('auth');
    const added = block(podlet, { [podlet]: { user: 'Grace' }, [`${podlet}:prefs`]: 'dark' });
    try {
      equal(JSON.stringify(createStore(podlet, null as unknown).get()), '{"user":"Grace"}');
      equal(createStore(`${podlet}:prefs`, 'light').get(), 'dark');
    } finally {
      added.remove();
    }
  });

  it('ignores a block for a channel its podlet does not own, and a malformed one (security)', () => {
    const victim = uniqueName('auth');
    const blocks = [block(uniqueName('evil'), { [victim]: { user: 'Mallory' } }), block(victim, '{not json')];
    blocks[1]!.textContent = '{not json';
    try {
      equal(createStore(victim, 'nobody').get(), 'nobody');
    } finally {
      for (const b of blocks) b.remove();
    }
  });

  it('under a CSP, ignores a block without the page nonce: one a podlet fragment wrote (security)', () => {
    const map = document.querySelector<HTMLScriptElement>('script[type="importmap"],script[type="importmap-shim"]')!;
    const before = map.nonce;
    map.nonce = 'page-nonce';
    const podlet = uniqueName('auth');
    const forged = block(podlet, { [podlet]: 'forged' });
    try {
      equal(createStore(podlet, 'nobody').get(), 'nobody', 'a block without the nonce is ignored');
      const real = block(podlet, { [`${podlet}:x`]: 'real' }, 'page-nonce');
      equal(createStore(`${podlet}:x`, 'nobody').get(), 'real', 'the stamped block is read');
      real.remove();
    } finally {
      forged.remove();
      map.nonce = before;
    }
  });
});
