import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test, type TestContext } from 'node:test';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import type { RequestContext } from '../../runtime/layout/podlets/podlet-context.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { listen } from '../helpers/listen.ts';

// State from the server, both ways (issue 14): the layout forwards what it knows about the
// request to every podlet, and a podlet's podmap-state header reaches the page as a data block,
// escaped, bounded and tied to the podlet's name.

/** A plain Podium podlet that answers `state` as its podmap-state header and records the headers it got. */
async function statePodlet(t: TestContext, name: string, state: string | undefined, seen: IncomingHttpHeaders[] = []) {
  const base = await listen(t, (req, res) => {
    if (req.url === '/manifest.json') {
      return void res
        .setHeader('content-type', 'application/json')
        .end(JSON.stringify({ name, version: '1.0.0', content: '/', fallback: '/fallback', js: [], css: [], proxy: {} }));
    }
    if (req.url === '/fallback') return void res.end(`<p>${name} fallback</p>`);
    if (req.url !== '/') return void res.writeHead(404).end();
    seen.push(req.headers);
    if (state !== undefined) res.setHeader('podmap-state', state);
    res.end(`<p>${name} content</p>`);
  });
  return `${base}manifest.json`;
}

async function page(t: TestContext, podlets: Record<string, string>, context?: (req: unknown) => RequestContext) {
  const cdn = await startCdnWithLit();
  t.after(() => cdn.close());
  const warn = t.mock.method(console, 'warn', () => {});
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: {} },
    podlets,
    pages: { '/': { title: 'x', podlets: Object.keys(podlets) } },
    context,
  });
  const base = await listen(t, layout.handle);
  return { base, logs: () => warn.mock.calls.map((c) => String(c.arguments[0])) };
}

const blocks = (html: string) =>
  [...html.matchAll(/<script type="application\/json" data-podmap-state="([^"]+)">(.*?)<\/script>/gs)].map((m) => [m[1], m[2]]);

test('podmap-state - a podlet sends state for its own channels - the page carries it as an escaped data block before its section (security)', async (t) => {
  const hostile = { auth: { user: { name: '</script><script>window.pwned=1</script>\u2028&' } }, 'auth:prefs': { theme: 'dark' } };
  // Non-ASCII must come \u-escaped in a header: JSON.stringify then escape it, as a podlet would.
  const header = JSON.stringify(hostile).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const { base } = await page(t, { auth: await statePodlet(t, 'auth', header) });
  const html = await (await fetch(base)).text();
  const found = blocks(html);
  assert.equal(found.length, 1);
  assert.equal(found[0]![0], 'auth');
  assert.doesNotMatch(found[0]![1]!, /<|>|&|\u2028/, 'nothing in the block can end it or start markup');
  assert.deepEqual(JSON.parse(found[0]![1]!), hostile, 'the state arrives whole');
  assert.ok(html.indexOf('data-podmap-state="auth"') < html.indexOf('data-podlet="auth"'), 'the block comes before the section');
});

test("podmap-state - another team's channel, too large, not ASCII, not JSON or not an object - refused with PODMAP_ERR_PAGE_STATE_REFUSED naming the podlet; its content is kept", async (t) => {
  const cases: Record<string, string> = {
    thief: '{"auth":{"user":{"name":"Mallory"}}}',
    big: JSON.stringify({ big: 'x'.repeat(5000) }),
    latin: '{"latin":"\u00e9"}',
    broken: '{"broken":',
    list: '["list"]',
  };
  const podlets: Record<string, string> = {};
  for (const [name, state] of Object.entries(cases)) podlets[name] = await statePodlet(t, name, state);
  const { base, logs } = await page(t, podlets);
  const html = await (await fetch(base)).text();
  assert.deepEqual(blocks(html), [], 'no state reached the page');
  for (const name of Object.keys(cases)) {
    assert.match(html, new RegExp(`<section class="podlet" data-podlet="${name}"><p>${name} content</p>`), `${name}'s content is kept`);
    assert.ok(
      logs().some((l) => l.startsWith(`podmap: podlet "${name}": PODMAP_ERR_PAGE_STATE_REFUSED`)),
      `${name} is named\n${logs().join('\n')}`,
    );
  }
});

test('context - what the layout knows about a request - reaches every podlet as Podium context headers and podmap-user; hostile values never do', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const { base } = await page(t, { one: await statePodlet(t, 'one', undefined, seen) }, () => ({
    locale: 'nb-NO',
    user: { name: 'Grace Ø' },
  }));
  await fetch(base, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile' } });
  assert.equal(seen[0]!['podium-locale'], 'nb-NO');
  assert.equal(seen[0]!['podium-device-type'], 'mobile');
  assert.deepEqual(JSON.parse(seen[0]!['podmap-user'] as string), { name: 'Grace Ø' });

  const seenHostile: IncomingHttpHeaders[] = [];
  const hostile = await page(t, { two: await statePodlet(t, 'two', undefined, seenHostile) }, () => ({
    locale: '"><script>',
    user: { name: 'x'.repeat(2000) },
  }));
  await fetch(hostile.base, { headers: { 'accept-language': 'fr-CH, fr;q=0.9' } });
  assert.equal(seenHostile[0]!['podium-locale'], 'fr-CH', 'an invalid locale falls back to Accept-Language');
  assert.equal(seenHostile[0]!['podmap-user'], undefined, 'a user over 1 KB is not sent');
  assert.equal(seenHostile[0]!['podium-device-type'], 'desktop');
});

test('context - an option that throws - costs the podlets the user, never the page; logged with a code', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const { base, logs } = await page(t, { one: await statePodlet(t, 'one', undefined, seen) }, () => {
    throw new Error('session store down');
  });
  const response = await fetch(base);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<p>one content<\/p>/);
  assert.equal(seen[0]!['podmap-user'], undefined);
  assert.ok(
    logs().some((l) => /^podmap: PODMAP_ERR_INTERNAL: the layout's context option threw \(Error: session store down\)/.test(l)),
    logs().join('\n'),
  );
});
