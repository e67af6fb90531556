import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAssetsCache } from '../../../runtime/layout/assets/create-assets-cache.ts';
import { fallbackAssets, type PageAssets } from '../../../runtime/layout/assets/page-assets.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';

/** A build whose every call waits until the test settles it; `calls` lists the pending ones. */
function controlledBuild() {
  const calls: Array<{ resolve(assets: PageAssets): void; reject(error: unknown): void }> = [];
  const build = () => new Promise<PageAssets>((resolve, reject) => calls.push({ resolve, reject }));
  return { build, calls };
}

const assets = (tag: string): PageAssets => ({ ...fallbackAssets([], new PodmapError('PODMAP_ERR_INTERNAL')), shimUrl: tag });
/** One turn of the event loop: the settled build's callbacks in the cache have run. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('createAssetsCache() - stale assets - are served at once while one rebuild runs, then replaced by it', async (t) => {
  // The ttl passes on the test's clock, not the machine's: no real sleep to overshoot or undershoot.
  t.mock.timers.enable({ apis: ['Date'] });
  const { build, calls } = controlledBuild();
  const cached = createAssetsCache(build, 20);
  const first = cached(['a']);
  calls[0]!.resolve(assets('v1'));
  assert.equal((await first).shimUrl, 'v1');
  t.mock.timers.tick(25);
  // Stale: every request gets v1 without waiting, and only one rebuild starts.
  for (let i = 0; i < 3; i++) assert.equal((await cached(['a'])).shimUrl, 'v1');
  assert.equal(calls.length, 2);
  calls[1]!.resolve(assets('v2'));
  await tick();
  assert.equal((await cached(['a'])).shimUrl, 'v2');
  assert.equal(calls.length, 2, 'fresh again: no rebuild');
});

test('createAssetsCache() - a rebuild that fails - keeps the old assets for another ttl and logs the code', async (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const error = t.mock.method(console, 'error', () => {});
  const { build, calls } = controlledBuild();
  const cached = createAssetsCache(build, 20);
  const first = cached(['a', 'b']);
  calls[0]!.resolve(assets('v1'));
  await first;
  t.mock.timers.tick(25);
  await cached(['a', 'b']);
  calls[1]!.reject(new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', 'http://cdn/ answered 503'));
  await tick();
  assert.equal((await cached(['a', 'b'])).shimUrl, 'v1');
  assert.equal(calls.length, 2, 'the next rebuild waits for the ttl');
  assert.match(
    String(error.mock.calls[0]!.arguments[0]),
    /^podmap: page of a, b: PODMAP_ERR_CDN_UNREACHABLE: .*\(the old assets are kept\)$/,
  );
  t.mock.timers.tick(25);
  await cached(['a', 'b']);
  assert.equal(calls.length, 3);
});

test('createAssetsCache() - a first build that fails - is answered at once from the cache during a back-off that doubles, then built again', async (t) => {
  // The clock is the test's: on a loaded machine, real sleeps of a few ms overshoot the back-off.
  t.mock.timers.enable({ apis: ['Date'] });
  const { build, calls } = controlledBuild();
  const cached = createAssetsCache(build, 60_000, 10, { firstMs: 1000, maxMs: 1500 });
  const first = cached(['a']);
  calls[0]!.reject(new PodmapError('PODMAP_ERR_CDN_UNREACHABLE'));
  await assert.rejects(first, { code: 'PODMAP_ERR_CDN_UNREACHABLE' });
  // Inside the back-off: the same failure, and no build (before, every request built again).
  for (let i = 0; i < 20; i++) await assert.rejects(cached(['a']), { code: 'PODMAP_ERR_CDN_UNREACHABLE' });
  assert.equal(calls.length, 1);
  t.mock.timers.tick(1001);
  const second = cached(['a']);
  assert.equal(calls.length, 2, 'built again after 1 s');
  calls[1]!.reject(new PodmapError('PODMAP_ERR_CDN_UNREACHABLE'));
  await assert.rejects(second);
  t.mock.timers.tick(1001);
  await assert.rejects(cached(['a']));
  assert.equal(calls.length, 2, 'the second back-off is longer (1.5 s, the cap, not 1 s)');
  t.mock.timers.tick(500);
  const third = cached(['a']);
  assert.equal(calls.length, 3);
  calls[2]!.resolve(assets('v1'));
  assert.equal((await third).shimUrl, 'v1');
  assert.equal((await cached(['a'])).shimUrl, 'v1', 'a success ends the back-off');
  assert.equal(calls.length, 3);
});

test('createAssetsCache() - clear() while a rebuild runs - drops the page, and the rebuild result is thrown away', async (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const { build, calls } = controlledBuild();
  const cached = createAssetsCache(build, 20);
  const first = cached(['a']);
  calls[0]!.resolve(assets('v1'));
  await first;
  t.mock.timers.tick(25);
  await cached(['a']); // starts a rebuild
  cached.clear(); // a podlet released a new version
  const next = cached(['a']);
  assert.equal(calls.length, 3, 'a new build for the new release');
  calls[1]!.resolve(assets('old release'));
  calls[2]!.resolve(assets('new release'));
  assert.equal((await next).shimUrl, 'new release');
  await tick();
  assert.equal((await cached(['a'])).shimUrl, 'new release');
});
