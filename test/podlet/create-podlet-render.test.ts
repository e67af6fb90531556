import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { symlink } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { html } from 'lit';
import { createPodlet, type PodletOptions } from '../../runtime/podlet/create-podlet.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

const rootModules = fileURLToPath(new URL('../../node_modules', import.meta.url));
const STYLE = ':host{display:block;color:rgb(1, 2, 3)}';

/** A podlet folder whose entry defines `<tag>` (a LitElement with STYLE), with the repository's node_modules (lit, @lit-labs/ssr) beside it. */
async function writeElementPodlet(
  t: TestContext,
  tag: string,
  body = '<p>Hello from ${this.who}</p>',
  prelude = '',
  dependencies: Record<string, string> = {},
): Promise<string> {
  const source =
    prelude +
    `import { LitElement, css, html } from 'lit';\n` +
    `class El extends LitElement {\n  static properties = { who: {} };\n  static styles = css\`${STYLE}\`;\n` +
    `  constructor() { super(); this.who = 'nobody'; }\n  render() { return html\`${body}\`; }\n}\n` +
    `customElements.define('${tag}', El);\n`;
  const dir = await writePodletFolder(t, { dependencies: { lit: '^3.1.0', ...dependencies }, modules: { 'el.js': source } });
  await symlink(rootModules, path.join(dir, 'node_modules'));
  return dir;
}

async function start(t: TestContext, options: Partial<PodletOptions> & Pick<PodletOptions, 'packageDir' | 'content'>) {
  const podlet = await createPodlet({ name: 'rendered', entries: ['el.js'], render: 'ssr-only', ...options });
  return listen(t, podlet.handle);
}

/** GETs `url` and keeps each body chunk as it arrived, so a test can tell a streamed body from a buffered one. */
function getChunks(url: string): Promise<{ status: number; headers: Record<string, unknown>; chunks: string[]; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const chunks: string[] = [];
      let aborted = false;
      res.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () => resolve({ status: res.statusCode!, headers: res.headers, chunks, aborted: aborted || !res.complete }));
    })
      .on('error', reject)
      .end();
  });
}

test('createPodlet() - ssr-only, content is a lit template - declarative shadow DOM with the style and the rendered text, streamed', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-one');
  const items = Array.from({ length: 2000 }, (_, i) => i);
  const base = await start(t, {
    packageDir,
    content: () =>
      html`<ssr-one who="the server"></ssr-one>
        <ul>
          ${items.map((i) => html`<li>${i}</li>`)}
        </ul>`,
  });
  const response = await getChunks(base);
  const body = response.chunks.join('');
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-length'], undefined, 'no length: the body is streamed as it renders');
  assert.ok(response.chunks.length > 1, `several chunks, got ${response.chunks.length}`);
  assert.match(body, /<ssr-one\s+who="the server"><template shadowroot="open" shadowrootmode="open"><style>/);
  assert.ok(body.includes(`<style>${STYLE}</style>`));
  assert.match(body, /<p>Hello from <!--lit-part-->the server<!--\/lit-part--><\/p>/);
  assert.ok(body.includes('<li><!--lit-part-->1999<!--/lit-part--></li>'), 'the whole list arrived');
});

test('createPodlet() - ssr-only - podmap.json declares the render mode and the style hash, the manifest no entry script', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-two');
  const base = await start(t, { packageDir, css: ['el.css'], content: () => html`<ssr-two></ssr-two>` });
  const doc = (await (await fetch(`${base}podmap.json`)).json()) as { render: string; styleHashes: string[]; modules: object };
  const expected = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;
  assert.equal(doc.render, 'ssr-only');
  assert.ok(doc.styleHashes.includes(expected), `${expected} in ${doc.styleHashes.join(' ')}`);
  assert.ok('el.js' in doc.modules);
  const manifest = (await (await fetch(`${base}manifest.json`)).json()) as { js: unknown[]; css: Array<{ value: string }> };
  assert.deepEqual(manifest.js, [], 'the page loads none of its modules');
  assert.deepEqual(
    manifest.css.map((c) => c.value),
    ['/public@1.0.0/el.css'],
    'stylesheets stay',
  );
});

const SUPPORT = '@lit-labs/ssr-client/lit-element-hydrate-support.js';

test("createPodlet() - hydrate - entries stay in the manifest; podmap.json says hydrate and lists lit 3's hydrate support, then lit", async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-three', undefined, `import '${SUPPORT}';\n`, { '@lit-labs/ssr-client': '^1.1.7' });
  const base = await start(t, { packageDir, render: 'hydrate', content: () => html`<ssr-three></ssr-three>` });
  const doc = (await (await fetch(`${base}podmap.json`)).json()) as { render: string; hydrate: string[] };
  const manifest = (await (await fetch(`${base}manifest.json`)).json()) as { js: Array<{ value: string }> };
  assert.equal(doc.render, 'hydrate');
  assert.deepEqual(doc.hydrate, [SUPPORT, 'lit']);
  assert.deepEqual(
    manifest.js.map((j) => j.value),
    ['/public@1.0.0/el.js'],
  );
});

test("createPodlet() - hydrate, but no module imports lit's hydrate support - PODMAP_ERR_CONFIG_HYDRATE_SUPPORT naming the import to add", async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-unsupported');
  await assert.rejects(
    start(t, { packageDir, render: 'hydrate', content: () => html`<ssr-unsupported></ssr-unsupported>` }),
    (error: Error) => {
      assert.match(error.message, /PODMAP_ERR_CONFIG_HYDRATE_SUPPORT/);
      assert.ok(error.message.includes(`import '${SUPPORT}' before lit`), error.message);
      return true;
    },
  );
});

test('createPodlet() - client (the default) - podmap.json has no render fields, as before', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-unused');
  const podlet = await createPodlet({ name: 'plain', packageDir, entries: ['el.js'], content: () => '<p>x</p>' });
  const base = await listen(t, podlet.handle);
  const doc = (await (await fetch(`${base}podmap.json`)).json()) as Record<string, unknown>;
  assert.ok(!('render' in doc) && !('styleHashes' in doc), JSON.stringify(doc));
});

test('createPodlet() - a hostile value from the request in a template - escaped by lit, never markup', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-four');
  const base = await start(t, {
    packageDir,
    content: (req) => html`<ssr-four who=${new URL(req.url!, 'http://x').searchParams.get('q')!}></ssr-four>`,
  });
  const body = await (await fetch(`${base}?q=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
  assert.ok(!body.includes('<script>'), body);
  assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the text in the shadow root, escaped');
  assert.ok(body.includes('who="&quot;&gt;&lt;script&gt;'), 'the attribute, escaped');
});

test('createPodlet() - the element render throws - PODMAP_ERR_RENDER_FAILED or a cut response, never a complete 200', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-five', '${(() => { throw new Error("boom"); })()}');
  const base = await start(t, { packageDir, content: () => html`<ssr-five></ssr-five>` });
  const response = await getChunks(base);
  // Whether the failure comes before the first chunk (a 500) or after it (a cut connection),
  // the layout reads no whole fragment and serves the fallback.
  if (response.status === 200) assert.ok(response.aborted, 'a 200 that started is cut, not ended');
  else {
    assert.equal(response.status, 500);
    assert.equal((JSON.parse(response.chunks.join('')) as { error: { code: string } }).error.code, 'PODMAP_ERR_RENDER_FAILED');
  }
});

test('createPodlet() - client mode, content is a lit template - 500 PODMAP_ERR_RENDER_FAILED', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-six');
  const base = await start(t, { packageDir, render: 'client', content: () => html`<ssr-six></ssr-six>` });
  const response = await fetch(base);
  assert.equal(response.status, 500);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'PODMAP_ERR_RENDER_FAILED');
});

test('createPodlet() - a <style> whose hash was not declared - rendered, and logged once with PODMAP_ERR_STYLE_UNDECLARED', async (t) => {
  const packageDir = await writeElementPodlet(t, 'ssr-seven');
  const warn = t.mock.method(console, 'warn', () => {});
  const base = await start(t, {
    packageDir,
    // prettier-ignore
    content: () => html`<style>p{color:red}</style><ssr-seven></ssr-seven>`,
  });
  for (let i = 0; i < 2; i++) assert.ok((await (await fetch(base)).text()).includes('<style>p{color:red}</style>'));
  const lines = warn.mock.calls.map((c) => String(c.arguments[0])).filter((l) => l.includes('PODMAP_ERR_STYLE_UNDECLARED'));
  const hash = `sha256-${createHash('sha256').update('p{color:red}').digest('base64')}`;
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0]!.includes(hash));
});

test('createPodlet() - ssr-only without @lit-labs/ssr in the podlet folder - PODMAP_ERR_CONFIG_SSR_MISSING saying to install it', async (t) => {
  const packageDir = await writePodletFolder(t, { modules: { 'el.js': 'export {};\n' } });
  await assert.rejects(
    createPodlet({ name: 'bare', packageDir, entries: ['el.js'], render: 'ssr-only', content: () => '' }),
    (error: Error & { code?: string }) =>
      error.code === 'PODMAP_ERR_CONFIG_SSR_MISSING' && error.message.includes('npm install @lit-labs/ssr'),
  );
});

test('createPodlet() - an unknown render mode - PODMAP_ERR_CONFIG_RENDER_MODE', async (t) => {
  const packageDir = await writePodletFolder(t, { modules: { 'el.js': 'export {};\n' } });
  await assert.rejects(createPodlet({ name: 'bare', packageDir, entries: ['el.js'], render: 'server' as never, content: () => '' }), {
    code: 'PODMAP_ERR_CONFIG_RENDER_MODE',
  });
});
