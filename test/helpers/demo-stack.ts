import type { IncomingMessage, ServerResponse } from 'node:http';
import { demoPodletNames, type DemoPodletName } from '../../layouts/demo-wiring.ts';
import { createDemoLayout, type DemoLayoutOptions } from '../../layouts/server.ts';

/** A node:http style request handler: the demo's CDN, podlets and layout each have one. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Which server of the stack `listen` is asked to serve. */
export interface StackServer {
  name: 'cdn' | DemoPodletName;
  /** The browser fetches from it: the CDN, or a podlet that serves its own modules (podletAssets 'podlet'). */
  browserFacing: boolean;
}

/** The demo's CDN and podlets in this process, and how to put a layout in front of them. */
export interface DemoStack {
  cdnUrl: string;
  /** Podlet name → its manifest URL. */
  podletUrls: Record<DemoPodletName, string>;
  /** Answers for podlet `name` with `handler` from now on (a new release of it). */
  setPodlet(name: DemoPodletName, handler: Handler): void;
  /** A demo layout (createDemoLayout, as `npm start` runs it) on this stack's servers; the caller serves it. */
  createLayout(options?: DemoLayoutOptions): ReturnType<typeof createDemoLayout>;
}

let stacks = 0;

/**
 * The demo in this process: `cdnHandler` and the demo's podlets (their server.ts modules, imported,
 * not started), each served by `listen`, which returns the server's base URL and decides how it is
 * served (HTTP or TLS, logged, behind a delaying proxy). The podlets' modules are on the CDN, or
 * with `podletAssets: 'podlet'` each podlet serves its own. Every stack imports its own podlet
 * instances, so stacks made one after the other do not share them.
 */
export async function startDemoStack(options: {
  cdnHandler: Handler;
  listen: (handler: Handler, server: StackServer) => Promise<string>;
  podletAssets?: 'cdn' | 'podlet';
}): Promise<DemoStack> {
  const ownAssets = options.podletAssets === 'podlet';
  const cdnUrl = await options.listen(options.cdnHandler, { name: 'cdn', browserFacing: true });
  const handlers = await importDemoPodlets(ownAssets ? '' : cdnUrl);
  const podletUrls = {} as Record<DemoPodletName, string>;
  for (const name of demoPodletNames) {
    const base = await options.listen((req, res) => handlers[name](req, res), { name, browserFacing: ownAssets });
    podletUrls[name] = `${base}manifest.json`;
  }
  return {
    cdnUrl,
    podletUrls,
    setPodlet: (name, handler) => void (handlers[name] = handler),
    createLayout: (layoutOptions = {}) => createDemoLayout({ ...layoutOptions, urls: { cdn: cdnUrl, podlets: podletUrls } }),
  };
}

/**
 * The demo's podlets, imported with instances of their own (the query string makes new modules).
 * A podlet reads PODMAP_PODLET_CDN_URL as it is created: its modules' CDN, or none ('') to serve
 * its own. Stacks must be made one at a time, as this sets the variable while it imports.
 */
async function importDemoPodlets(cdnUrl: string): Promise<Record<DemoPodletName, Handler>> {
  const tag = `stack-${++stacks}`;
  process.env.PODMAP_PODLET_CDN_URL = cdnUrl;
  try {
    const modules = await Promise.all(
      demoPodletNames.map((name) => import(`../../podlets/${name}/server.ts?${tag}`) as Promise<{ podlet: { handle: Handler } }>),
    );
    return Object.fromEntries(demoPodletNames.map((name, i) => [name, modules[i]!.podlet.handle])) as Record<DemoPodletName, Handler>;
  } finally {
    delete process.env.PODMAP_PODLET_CDN_URL;
  }
}
