import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDemoLayout } from '../../layouts/server.ts';
import type { RequestHandler } from './listen-tls.ts';

/** Where a server of the stack sits: the browser reaches the CDN and the layout, the podlets only the layout does (with a CDN). */
export type Role = 'cdn' | 'podlet';

/**
 * The demo, composed as bench:page does it: a CDN (`cdnHandler`), the six podlets imported (not
 * started) with their modules on that CDN (or, `podletAssets: 'podlet'`, each on its own origin),
 * and a layout without its service worker that points at them. `listen` serves a handler and
 * returns its base URL; it decides which servers sit behind a delaying proxy. Returns the layout's
 * handler (the caller serves it) and the CDN's URL.
 */
export async function demoStack(
  cdnHandler: RequestHandler,
  listen: (handler: RequestHandler, role: Role) => Promise<string>,
  tag: string,
  podletAssets: 'cdn' | 'podlet' = 'cdn',
): Promise<{ handle: RequestHandler; cdnUrl: string }> {
  const cdnUrl = await listen(cdnHandler, 'cdn');
  process.env.PODMAP_CDN_URL = cdnUrl;
  const podlets = await importPodlets(podletAssets === 'cdn' ? cdnUrl : '', tag);
  // Without a CDN the browser fetches each podlet's modules from it: those are the browser's servers too.
  for (const [name, p] of Object.entries(podlets))
    process.env[`PODMAP_${name.toUpperCase()}_URL`] =
      `${await listen((req, res) => p.handle(req, res), podletAssets === 'cdn' ? 'podlet' : 'cdn')}manifest.json`;
  const layout = createDemoLayout({ serviceWorker: false });
  await layout.refresh();
  return { handle: layout.handle as RequestHandler, cdnUrl };
}

/** The demo's six podlets, imported with their own instances (the query string makes new modules). */
async function importPodlets(cdnUrl: string, tag: string): Promise<Record<string, { handle: RequestHandler }>> {
  const names = ['header', 'footer', 'auth', 'geo', 'image', 'search'];
  process.env.PODMAP_PODLET_CDN_URL = cdnUrl;
  const modules = await Promise.all(
    names.map(
      (n) =>
        import(`../../podlets/${n}/server.ts?${tag}`) as Promise<{
          podlet: { handle(req: IncomingMessage, res: ServerResponse): void };
        }>,
    ),
  );
  delete process.env.PODMAP_PODLET_CDN_URL;
  return Object.fromEntries(
    names.map((n, i) => [n, { handle: (req: IncomingMessage, res: ServerResponse) => modules[i]!.podlet.handle(req, res) }]),
  );
}
