import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRepeatLimiter } from '../../../runtime/layout/assets/create-repeat-limiter.ts';

test('createRepeatLimiter() - one key asked again and again - allowed once per interval, each key on its own (mocked clock)', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const allow = createRepeatLimiter(60_000);
  assert.equal(allow('aa-evil\u0000PODMAP_ERR_NAMESPACE_OWNED'), true);
  for (let i = 0; i < 59; i++) {
    t.mock.timers.tick(1_000);
    assert.equal(allow('aa-evil\u0000PODMAP_ERR_NAMESPACE_OWNED'), false, `${i + 1} s after the first`);
  }
  assert.equal(allow('churn\u0000PODMAP_ERR_NAMESPACE_DENIED'), true, 'another key is not held back');
  t.mock.timers.tick(1_000);
  assert.equal(allow('aa-evil\u0000PODMAP_ERR_NAMESPACE_OWNED'), true, 'again after the interval');
  assert.equal(allow('aa-evil\u0000PODMAP_ERR_NAMESPACE_OWNED'), false);
});

test('createRepeatLimiter() - a podlet inventing a new key each time - each is allowed once, and memory stays bounded', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const allow = createRepeatLimiter(60_000);
  for (let i = 0; i < 5_000; i++) assert.equal(allow(`k${i}`), true);
  assert.equal(allow('k4999'), false, 'a recent key is remembered');
});
