import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLruCache } from '../../runtime/shared/create-lru-cache.ts';

test('createLruCache() - more entries than its bound - stays at the bound, and the least recently used goes first', () => {
  const cache = createLruCache<string, number>(3);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  assert.equal(cache.get('a'), 1); // a is now the most recently used: b is the oldest
  cache.set('d', 4);
  assert.equal(cache.size, 3);
  assert.equal(cache.get('b'), undefined);
  assert.deepEqual([...cache.keys()], ['c', 'a', 'd']);
  for (let i = 0; i < 1000; i++) cache.set(`k${i}`, i);
  assert.equal(cache.size, 3);
  assert.deepEqual([...cache.keys()], ['k997', 'k998', 'k999']);
});

test('createLruCache() - setting a key it holds - replaces the value and makes it the most recently used', () => {
  const cache = createLruCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('a', 10);
  cache.set('c', 3);
  assert.deepEqual([...cache.keys()], ['a', 'c']);
  assert.equal(cache.get('a'), 10);
});

test('createLruCache() - a bound below 1 - throws a RangeError', () => {
  assert.throws(() => createLruCache(0), RangeError);
  assert.throws(() => createLruCache(1.5), RangeError);
});
