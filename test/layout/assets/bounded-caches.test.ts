import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAssetsCache } from '../../../runtime/layout/assets/create-assets-cache.ts';
import { createCdnClient } from '../../../runtime/layout/assets/create-cdn-client.ts';
import { fallbackAssets, type PageAssets } from '../../../runtime/layout/assets/page-assets.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';
import { listen } from '../../helpers/listen.ts';

const assets = (tag: string): PageAssets => ({ ...fallbackAssets([], new PodmapError('PODMAP_ERR_INTERNAL')), shimUrl: tag });

test('createAssetsCache() - more pages than maxPages - keeps maxPages, and the least recently served page is built again', async () => {
  const built: string[] = [];
  const cached = createAssetsCache(
    async (names) => {
      built.push(names.join(','));
      return assets(names.join(','));
    },
    60_000,
    2,
  );
  await cached(['a']);
  await cached(['b']);
  await cached(['a']); // a served last: b is the least recently used
  await cached(['c']);
  assert.equal(cached.size, 2);
  await cached(['a']);
  assert.deepEqual(built, ['a', 'b', 'c'], 'a was kept');
  await cached(['b']);
  assert.deepEqual(built, ['a', 'b', 'c', 'b'], 'b was evicted and built again');
  for (let i = 0; i < 50; i++) await cached([`p${i}`]);
  assert.equal(cached.size, 2);
});

test('createCdnClient() - more packages than its cache sizes - evicts the least recently used, and asks the CDN again only for those', async (t) => {
  const seen: string[] = [];
  const url = await listen(t, (req, res) => {
    seen.push(decodeURIComponent(req.url ?? '').replace(/^\/-\/(npm|metadata\/npm|map\/npm)\//, ''));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'x', versions: ['1.0.0'] }));
  });
  const cdn = createCdnClient(url, { cacheSizes: { versions: 2, packageMaps: 2, metadata: 2 } });
  await cdn.versions('a');
  await cdn.versions('b');
  await cdn.versions('a'); // cached, and now the most recently used
  await cdn.versions('c'); // evicts b
  await cdn.versions('a');
  await cdn.versions('b');
  assert.deepEqual(seen.length, 4, seen.join(' '));
  seen.length = 0;
  for (const name of ['m1', 'm2', 'm3', 'm1']) await cdn.metadata(name, '1.0.0');
  assert.equal(seen.length, 4, 'm1 was evicted by m3: metadata is bounded too');
  seen.length = 0;
  for (const name of ['p1', 'p2', 'p1', 'p3', 'p1']) await cdn.packageMap(name, '1.0.0');
  assert.equal(seen.length, 3, 'p1 was used last, so p3 evicted p2, not p1');
});
