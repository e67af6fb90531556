import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test, type TestContext } from 'node:test';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { originOfHost } from '../../runtime/layout/render/create-page-server.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

let cdn: Awaited<ReturnType<typeof startCdnWithLit>>;
before(async () => {
  cdn = await startCdnWithLit();
});
after(() => cdn.close());

/** A podlet that writes the mount origin it was told into its fragment (escaped, as a podlet must). */
async function echoPodlet(t: TestContext): Promise<string> {
  const dir = await writePodletFolder(t, { modules: { 'echo.js': 'export {};\n' } });
  const podlet = await createPodlet({
    name: 'echo',
    packageDir: dir,
    entries: ['echo.js'],
    content: (req) => `<p data-origin="${encodeURIComponent(String(req.headers['podium-mount-origin']))}"></p>`,
  });
  return `${await listen(t, podlet.handle)}manifest.json`;
}

function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(decodeURIComponent(/data-origin="([^"]*)"/.exec(body)?.[1] ?? '')));
    })
      .on('error', reject)
      .end();
  });
}

test('createLayout() - a hostile Host header - never reaches podlets as podium-mount-origin (security)', async (t) => {
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: {} },
    podlets: { echo: await echoPodlet(t) },
    pages: { '/': { title: 't', podlets: ['echo'] } },
  });
  const base = await listen(t, layout.handle);
  assert.equal(await getWithHost(base, 'shop.example:8080'), 'http://shop.example:8080');
  for (const hostile of ['evil.example/path', 'a@evil.example', 'x"><script>', 'evil.example\\@good']) {
    assert.equal(await getWithHost(base, hostile), 'http://localhost', hostile);
  }
});

test('createLayout() - mountOrigin set - is what every podlet is told, whatever the Host', async (t) => {
  const layout = createLayout({
    cdnUrl: cdn.url,
    importMap: { imports: {} },
    podlets: { echo: await echoPodlet(t) },
    pages: { '/': { title: 't', podlets: ['echo'] } },
    mountOrigin: 'https://www.example.com/ignored/path',
  });
  const base = await listen(t, layout.handle);
  assert.equal(await getWithHost(base, 'evil.example'), 'https://www.example.com');
  assert.throws(() => createLayout({ cdnUrl: cdn.url, importMap: { imports: {} }, podlets: {}, pages: {}, mountOrigin: 'javascript:x' }), {
    code: 'PODMAP_ERR_CONFIG_OPTION',
  });
});

test('originOfHost() - plain hosts and ports pass, anything else is localhost', () => {
  assert.equal(originOfHost('[::1]:7000'), 'http://[::1]:7000');
  assert.equal(originOfHost('LOCALHOST:7000'), 'http://localhost:7000');
  assert.equal(originOfHost(undefined), 'http://localhost');
  assert.equal(originOfHost('a b'), 'http://localhost');
});
