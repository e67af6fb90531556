import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createCircuitBreaker } from '../../../runtime/layout/podlets/create-circuit-breaker.ts';

// The breaker's timer rules, on node:test's mocked clock: no real time passes in this file.

/** Lets the promise callbacks that a settled probe queued run (the mocked clock does not move). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A breaker whose probes the test answers one by one; `probes` are the pending ones, oldest first. */
function breakerOnMockedClock(t: TestContext, options: { failureThreshold?: number; probeIntervalMs?: number } = {}) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const probes: Array<(ok: boolean | Error) => void> = [];
  const events: string[] = [];
  let probed = 0;
  const breaker = createCircuitBreaker({
    ...options,
    probe: () =>
      new Promise<boolean>((resolve, reject) => {
        probed++;
        probes.push((ok) => (ok instanceof Error ? reject(ok) : resolve(ok)));
      }),
    onOpen: (failures, ms) => events.push(`open ${failures} ${ms}`),
    onClose: () => events.push('close'),
  });
  const answer = async (ok: boolean | Error) => {
    const next = probes.shift();
    assert.ok(next, 'a probe is in flight');
    next(ok);
    await settle();
  };
  return { breaker, events, answer, probed: () => probed, pending: () => probes.length };
}

test('createCircuitBreaker() - failures below the threshold, or broken by a success - the circuit stays closed and nothing is probed', (t) => {
  const { breaker, events, probed } = breakerOnMockedClock(t, { failureThreshold: 3 });
  for (const ok of [false, false, true, false, false]) {
    assert.equal(breaker.admit(), 'request');
    breaker.record(ok);
  }
  t.mock.timers.tick(10_000);
  assert.equal(breaker.state, 'closed');
  assert.deepEqual(events, []);
  assert.equal(probed(), 0);
});

test('createCircuitBreaker() - the threshold reached - opens once, admits nothing, and probes only after probeIntervalMs', (t) => {
  const { breaker, events, probed } = breakerOnMockedClock(t, { failureThreshold: 3, probeIntervalMs: 500 });
  for (let i = 0; i < 3; i++) breaker.record(false);
  assert.equal(breaker.state, 'open');
  assert.deepEqual(events, ['open 3 500']);
  for (let i = 0; i < 100; i++) assert.equal(breaker.admit(), 'open', 'no request on the page path while open');
  // A request that was in flight when it opened does not close it: only a probe does.
  breaker.record(true);
  assert.equal(breaker.state, 'open');
  t.mock.timers.tick(499);
  assert.equal(probed(), 0);
  t.mock.timers.tick(1);
  assert.equal(probed(), 1);
});

test('createCircuitBreaker() - probes that keep failing for ten minutes - come at the same interval, never growing, and a success then closes at once', async (t) => {
  const { breaker, events, answer, probed } = breakerOnMockedClock(t, { failureThreshold: 1, probeIntervalMs: 500 });
  breaker.record(false);
  // 1,200 failed probes: ten minutes down, on the mocked clock.
  for (let i = 1; i <= 1200; i++) {
    t.mock.timers.tick(500);
    assert.equal(probed(), i, `probe ${i} fires 500 ms after the one before ended`);
    await answer(i % 2 === 0 ? false : new Error('connection refused'));
  }
  assert.equal(breaker.state, 'open');
  t.mock.timers.tick(500);
  await answer(true);
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.admit(), 'request');
  assert.deepEqual(events, ['open 1 500', 'close']);
  t.mock.timers.tick(10_000);
  assert.equal(probed(), 1201, 'a closed circuit is not probed');
});

test('createCircuitBreaker() - a probe that hangs - is the only one in flight, however many intervals pass', async (t) => {
  const { breaker, answer, probed, pending } = breakerOnMockedClock(t, { failureThreshold: 1, probeIntervalMs: 500 });
  breaker.record(false);
  t.mock.timers.tick(500);
  t.mock.timers.tick(60_000);
  assert.equal(probed(), 1);
  assert.equal(pending(), 1);
  await answer(false);
  t.mock.timers.tick(499);
  assert.equal(probed(), 1, 'the next probe waits a full interval after the slow one ended');
  t.mock.timers.tick(1);
  assert.equal(probed(), 2);
});

test('createCircuitBreaker() - a closed circuit that fails again - opens again and probes at the first interval', async (t) => {
  const { breaker, events, answer, probed } = breakerOnMockedClock(t, { failureThreshold: 2, probeIntervalMs: 300 });
  breaker.record(false);
  breaker.record(false);
  t.mock.timers.tick(300);
  await answer(true);
  breaker.record(false);
  assert.equal(breaker.state, 'closed', 'the count starts again from zero after closing');
  breaker.record(false);
  assert.equal(breaker.state, 'open');
  t.mock.timers.tick(300);
  assert.equal(probed(), 2);
  assert.deepEqual(events, ['open 2 300', 'close', 'open 2 300']);
});

test('createCircuitBreaker() - stop() while open, with a probe in flight - no probe follows, and its answer changes nothing', async (t) => {
  const { breaker, events, answer, probed } = breakerOnMockedClock(t, { failureThreshold: 1, probeIntervalMs: 500 });
  breaker.record(false);
  t.mock.timers.tick(500);
  breaker.stop();
  await answer(true);
  t.mock.timers.tick(60_000);
  assert.equal(probed(), 1);
  assert.equal(breaker.state, 'open');
  assert.deepEqual(events, ['open 1 500']);
});

test('createCircuitBreaker() - stop() while open, between probes - the pending timer is cleared', (t) => {
  const { breaker, probed } = breakerOnMockedClock(t, { failureThreshold: 1, probeIntervalMs: 500 });
  breaker.record(false);
  breaker.stop();
  t.mock.timers.tick(60_000);
  assert.equal(probed(), 0);
});
