import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { CdnRefusal, createCdnClient } from '../../../runtime/layout/assets/create-cdn-client.ts';
import { createTimeSlicer, runSliced } from '../../../runtime/layout/assets/create-time-slicer.ts';
import { listen } from '../../helpers/listen.ts';

/** A CDN that answers every request with `status` and `body`, counting requests. */
async function cdnAnswering(t: TestContext, status: number, body: string) {
  const seen: string[] = [];
  const url = await listen(t, (req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  return { url, seen };
}

const errorBody = (code: string) => JSON.stringify({ error: { code, message: `the CDN's own message for ${code}` } });

test("createCdnClient() - a 400 for a version list - throws a CdnRefusal carrying the CDN's own code and message", async (t) => {
  const { url } = await cdnAnswering(t, 400, errorBody('PODMAP_ERR_CDN_BAD_NAME'));
  const error = await createCdnClient(url)
    .versions('Not A Valid Name')
    .then(
      () => assert.fail('no refusal'),
      (e: unknown) => e,
    );
  assert.ok(error instanceof CdnRefusal);
  assert.equal(error.code, 'PODMAP_ERR_CDN_REFUSED');
  assert.equal(error.cdnCode, 'PODMAP_ERR_CDN_BAD_NAME');
  assert.equal(error.httpStatus, 400);
  assert.match(error.message, /CDN said PODMAP_ERR_CDN_BAD_NAME: the CDN's own message/);
  assert.match(
    error.about('Not A Valid Name@^1.0.0').message,
    /needed: Not A Valid Name@\^1\.0\.0; GET .*Not%20A%20Valid%20Name answered 400/,
  );
});

test('createCdnClient() - a 409 for a package map - throws a CdnRefusal, not PODMAP_ERR_CDN_UNREACHABLE', async (t) => {
  const { url } = await cdnAnswering(t, 409, errorBody('PODMAP_ERR_CDN_DEPENDENCY_MISSING'));
  await assert.rejects(createCdnClient(url).packageMap('htm', '3.1.1'), {
    code: 'PODMAP_ERR_CDN_REFUSED',
    cdnCode: 'PODMAP_ERR_CDN_DEPENDENCY_MISSING',
  });
});

test('createCdnClient() - a 4xx whose body is not a CDN error - is still a refusal, named by its status', async (t) => {
  const { url } = await cdnAnswering(t, 403, '<html>no</html>');
  await assert.rejects(createCdnClient(url).packageMap('lit', '3.3.3'), { code: 'PODMAP_ERR_CDN_REFUSED', cdnCode: 'HTTP 403' });
});

test('createCdnClient() - a 404 - is null for version lists and metadata, a refusal for a package map', async (t) => {
  const { url } = await cdnAnswering(t, 404, errorBody('PODMAP_ERR_CDN_PACKAGE_UNKNOWN'));
  const cdn = createCdnClient(url);
  assert.equal(await cdn.versions('nope'), null);
  assert.equal(await cdn.metadata('nope', '1.0.0'), null);
  await assert.rejects(cdn.packageMap('nope', '1.0.0'), { code: 'PODMAP_ERR_CDN_REFUSED', cdnCode: 'PODMAP_ERR_CDN_PACKAGE_UNKNOWN' });
});

test('createCdnClient() - a 5xx or a CDN that is down - is PODMAP_ERR_CDN_UNREACHABLE, and not kept', async (t) => {
  const { url, seen } = await cdnAnswering(t, 503, errorBody('PODMAP_ERR_CDN_STORE_FAILED'));
  const cdn = createCdnClient(url);
  await assert.rejects(cdn.versions('lit'), { code: 'PODMAP_ERR_CDN_UNREACHABLE' });
  await assert.rejects(cdn.versions('lit'), { code: 'PODMAP_ERR_CDN_UNREACHABLE' });
  assert.equal(seen.length, 2, 'a failed look-up is asked again');
  await assert.rejects(createCdnClient('http://127.0.0.1:9/').versions('lit'), { code: 'PODMAP_ERR_CDN_UNREACHABLE' });
});

test('createCdnClient() - a package map - comes back with absolute URLs, and entries that are not strings left out', async (t) => {
  const body = JSON.stringify({
    imports: { lit: '/npm/lit@3.3.3/index.js', bad: 42 },
    scopes: { '/npm/lit@2.8.0/': { 'lit-html': '/npm/lit-html@2.8.0/lit-html.js' } },
    integrity: { '/npm/lit@3.3.3/index.js': 'sha384-x' },
  });
  const { url } = await cdnAnswering(t, 200, body);
  const map = await createCdnClient(url).packageMap('lit', '3.3.3');
  assert.deepEqual(map, {
    imports: { lit: `${url}npm/lit@3.3.3/index.js` },
    scopes: { [`${url}npm/lit@2.8.0/`]: { 'lit-html': `${url}npm/lit-html@2.8.0/lit-html.js` } },
    integrity: { [`${url}npm/lit@3.3.3/index.js`]: 'sha384-x' },
  });
});

test('createTimeSlicer() - before its slice is used up - answers undefined; after - a pause until the next turn of the event loop', async () => {
  const slice = createTimeSlicer(20);
  assert.equal(slice(), undefined);
  const until = performance.now() + 25;
  while (performance.now() < until); // use the slice up
  let immediateRan = false;
  setImmediate(() => (immediateRan = true));
  const pause = slice();
  assert.ok(pause instanceof Promise);
  await pause;
  assert.ok(immediateRan, 'I/O and immediates queued before the pause ran first');
  assert.equal(slice(), undefined, 'a new slice starts after the pause');
  immediateRan = false;
  setImmediate(() => (immediateRan = true));
  await slice.pause();
  assert.ok(immediateRan, 'pause() pauses whatever is left of the slice');
});

test('runSliced() - a generator - runs to its end, pausing whenever the slicer says so, and returns its value', async () => {
  let pauses = 0;
  function* count(): Generator<void, number, undefined> {
    let n = 0;
    for (let i = 0; i < 10; i++) {
      n += i;
      yield;
    }
    return n;
  }
  const slicer = () => (++pauses % 3 === 0 ? new Promise<void>((resolve) => setImmediate(resolve)) : undefined);
  const value = await runSliced(count(), Object.assign(slicer, { pause: () => Promise.resolve() }));
  assert.equal(value, 45);
  assert.equal(pauses, 10);
});
