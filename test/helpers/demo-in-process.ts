import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoLayout, type DemoLayoutOptions } from '../../layouts/server.ts';
import { publishDemoAssets } from '../../layouts/publish-demo.ts';
import { createCdnServer, publishPodletRelease } from '../../runtime/cdn/index.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { ensureTestStore } from './cdn-with-lit.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const podletNames = ['header', 'footer', 'auth', 'geo', 'image', 'search'] as const;
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The demo in one process, with what a test needs to watch and change it. */
export interface InProcessDemo {
  cdnUrl: string;
  /** The layout's origin ("http://127.0.0.1:N/"); `useLayout` changes what answers there. */
  layoutUrl: string;
  /** CDN requests per path since the start (or the last `cdnRequests.clear()`). */
  cdnRequests: Map<string, number>;
  /** Answers on layoutUrl with a demo layout made with these options from now on. */
  useLayout(options: DemoLayoutOptions): void;
  /** Publishes a new release of the footer podlet (its module marked with `marker`) and serves it in place of the old one. */
  releaseFooter(version: string, marker: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The demo's six podlets and its layout (createDemoLayout, as `npm start` runs it) in this
 * process, in front of a real CDN on a private copy of the test store that counts the requests
 * it answers: a test sees exactly which module crossed the network. The podlets are the demo's
 * own server.ts modules, so one harness per test file (they read their CDN URL when imported).
 */
export async function startInProcessDemo(layoutOptions: DemoLayoutOptions = {}): Promise<InProcessDemo> {
  const shared = await ensureTestStore();
  await publishDemoAssets(shared);
  const storeDir = await mkdtemp(path.join(tmpdir(), 'podmap-demo-store-'));
  await cp(shared, storeDir, { recursive: true });
  const cdnRequests = new Map<string, number>();
  const cdnServer = createCdnServer({ storeDir });
  const cdn = await serve((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    cdnRequests.set(pathname, (cdnRequests.get(pathname) ?? 0) + 1);
    cdnServer.emit('request', req, res);
  });
  process.env.PODMAP_PODLET_CDN_URL = cdn.url;
  const handlers: Record<string, Handler> = {};
  const servers: Server[] = [cdn.server];
  const urls: Record<string, string> = {};
  for (const name of podletNames) {
    const { podlet } = (await import(`../../podlets/${name}/server.ts`)) as { podlet: { handle: Handler } };
    handlers[name] = podlet.handle;
    const started = await serve((req, res) => handlers[name]!(req, res));
    servers.push(started.server);
    urls[name] = `${started.url}manifest.json`;
  }
  let layout: Handler = () => {};
  const front = await serve((req, res) => layout(req, res));
  servers.push(front.server);
  const cleanups: string[] = [storeDir];
  const demo: InProcessDemo = {
    cdnUrl: cdn.url,
    layoutUrl: front.url,
    cdnRequests,
    useLayout(options) {
      layout = createDemoLayout({ ...layoutOptions, ...options, urls: { cdn: cdn.url, podlets: urls } }).handle;
    },
    async releaseFooter(version, marker) {
      const dir = await mkdtemp(path.join(tmpdir(), 'podmap-footer-'));
      cleanups.push(dir);
      await cp(path.join(root, 'podlets/footer/public'), path.join(dir, 'public'), { recursive: true });
      const pkg = JSON.parse(await readFile(path.join(root, 'podlets/footer/package.json'), 'utf8')) as { version: string };
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
      const module = path.join(dir, 'public/footer.js');
      await writeFile(
        module,
        `${await readFile(module, 'utf8')}\ndocument.documentElement.dataset.footerRelease = ${JSON.stringify(marker)};\n`,
      );
      await publishPodletRelease(storeDir, 'footer', version, path.join(dir, 'public'));
      const next = await createPodlet({
        name: 'footer',
        packageDir: dir,
        cdnUrl: cdn.url,
        entries: ['footer.js'],
        content: () => '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>',
        fallback: () => '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
      });
      handlers.footer = next.handle;
    },
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
      for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
    },
  };
  demo.useLayout({});
  return demo;
}
