import type { ServerResponse } from 'node:http';
import type { RenderMode } from '../../runtime/podlet/index.ts';
import { startDemoStack, type DemoStack } from '../../test/helpers/demo-stack.ts';
import { buildBundles, serveBundles, type BundleKind, type Bundles } from './build-bundles.ts';
import { serverOnlyOf } from './page-probe.ts';
import type { RequestHandler } from './listen-tls.ts';
import { pageName, pagePaths, pages, variantRender, type DemoRender, type Variant } from './page-options.ts';
import { replaceModulesWithBundle, rewriteHead, stripModulePreloads } from './rewrite-head.ts';
import type { TlsServers } from './tls-servers.ts';

/** Module requests (and worker-script fetches) the browser made to one stack's servers: counted at the servers. */
export interface Counter {
  modules: number;
  workerScript: number;
  /** Body bytes the server wrote for those worker-script fetches (compressed as sent, no headers). */
  workerScriptBytes: number;
}
export const zeroCounter = (): Counter => ({ modules: 0, workerScript: 0, workerScriptBytes: 0 });

/** Counts what the browser (not this process: the layout fetches from the CDN too) asks `handler` for. */
export function countBrowserRequests(handler: RequestHandler, counter: Counter): RequestHandler {
  return (req, res) => {
    if (/Mozilla/.test(req.headers['user-agent'] ?? '')) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.endsWith('/podmap-sw.js')) {
        counter.workerScript++;
        countBodyBytes(res, (bytes) => (counter.workerScriptBytes += bytes));
      } else if (!path.startsWith('/-/') && /\.m?js$/.test(path)) counter.modules++;
    }
    handler(req, res);
  };
}

/** Reports the body bytes a response writes, as written (end() may call write() itself: counted once). */
function countBodyBytes(res: ServerResponse, add: (bytes: number) => void): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let ending = false;
  const count = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) add(Buffer.byteLength(chunk));
  };
  res.write = ((...args: unknown[]) => {
    if (!ending) count(args[0]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') count(args[0]);
    ending = true;
    return end(...args);
  }) as typeof res.end;
}

/** Each demo podlet's render mode, as its podmap.json says. */
export type RenderModes = Record<string, RenderMode>;

/** One demo stack: CDN, six podlets of its own and a layout that points at them, counted at the CDN and the layout. */
export interface PageStack {
  handle: RequestHandler;
  cdnUrl: string;
  cdn: Counter;
  front: Counter;
  /** Drops the layout's page assets: the next page is composed afresh (page-shaken.ts waits for shaken builds with it). */
  refresh(): Promise<void>;
  /** Puts a new release of the footer podlet in place of the stack's. */
  setFooter(handler: RequestHandler): void;
  serviceWorker: boolean;
  /** How its podlets render, and what each hydrating one lists to evaluate first (podmap.json's `hydrate`). */
  modes: RenderModes;
  hydrate: Record<string, string[] | undefined>;
}

/**
 * The demo's podlets in `render` mode (page-options.ts, variantRender): 'client' imports them with
 * PODMAP_DEMO_RENDER=client, which each reads as its module is evaluated; 'demo' without it.
 */
export async function startRenderedDemoStack(render: DemoRender, options: Parameters<typeof startDemoStack>[0]): Promise<DemoStack> {
  const before = process.env.PODMAP_DEMO_RENDER;
  if (render === 'client') process.env.PODMAP_DEMO_RENDER = 'client';
  else delete process.env.PODMAP_DEMO_RENDER;
  try {
    return await startDemoStack(options);
  } finally {
    if (before === undefined) delete process.env.PODMAP_DEMO_RENDER;
    else process.env.PODMAP_DEMO_RENDER = before;
  }
}

/** Each podlet's render mode and `hydrate` list, from its podmap.json (no `render`: 'client'). */
export async function readRenderModes(stack: DemoStack): Promise<Pick<PageStack, 'modes' | 'hydrate'>> {
  const modes: RenderModes = {};
  const hydrate: PageStack['hydrate'] = {};
  for (const [name, manifest] of Object.entries(stack.podletUrls)) {
    const response = await fetch(new URL('podmap.json', manifest));
    if (!response.ok) throw new Error(`bench: podlet ${name} answered ${response.status} for podmap.json`);
    const json = (await response.json()) as { render?: RenderMode; hydrate?: string[] };
    modes[name] = json.render ?? 'client';
    hydrate[name] = json.hydrate;
  }
  return { modes, hydrate };
}

/** A stack whose servers all speak `protocol`; its podlets' modules on its CDN or each on its own origin; its podlets in `render` mode. */
export async function startPageStack(
  servers: TlsServers,
  cdnHandler: RequestHandler,
  options: { protocol: 'h2' | 'http/1.1'; render: DemoRender; podletAssets?: 'cdn' | 'podlet'; serviceWorker?: boolean },
): Promise<PageStack> {
  const [cdn, front] = [zeroCounter(), zeroCounter()];
  const stack = await startRenderedDemoStack(options.render, {
    cdnHandler: countBrowserRequests(cdnHandler, cdn),
    listen: (handler) => servers.listen(handler, options.protocol),
    podletAssets: options.podletAssets,
  });
  const serviceWorker = options.serviceWorker ?? false;
  const layout = stack.createLayout({ serviceWorker });
  await layout.refresh();
  const handle = countBrowserRequests(layout.handle as RequestHandler, front);
  const setFooter = (h: RequestHandler) => stack.setPodlet('footer', h);
  const refresh = () => layout.refresh();
  return { handle, refresh, cdnUrl: stack.cdnUrl, cdn, front, setFooter, serviceWorker, ...(await readRenderModes(stack)) };
}

/** A layout's pages with their modules replaced by the bundles of `kind` (B: one per page, S: split, H: B SSR's). */
export function bundledLayout(layout: RequestHandler, bundles: Bundles, kind: BundleKind): RequestHandler {
  const rewritten = rewriteHead(layout, pagePaths, (head, path) => replaceModulesWithBundle(head, bundles.entries[kind][pageName(path)]!));
  return serveBundles(bundles.files, rewritten);
}

/**
 * Chromium's servers: one stack per variant that needs one (U+P and U+P SW have their own: their
 * footer releases during the run), B and S built from the h2 client stack, B SSR from the h2 demo
 * stack (U+P SSR's), every layout behind its own TLS server. Every variant but U+P SW runs without
 * the service worker; each variant's podlets render as variantRender says, and `modes` records
 * what their podmap.json said.
 */
export async function startChromiumFronts(servers: TlsServers, cdnHandler: RequestHandler, root: string) {
  const stackFor = (protocol: 'h2' | 'http/1.1', render: DemoRender, podletAssets: 'cdn' | 'podlet' = 'cdn', serviceWorker = false) =>
    startPageStack(servers, cdnHandler, { protocol, render, podletAssets, serviceWorker });
  const shared = { h2: await stackFor('h2', 'client'), ssr: await stackFor('h2', 'demo') };
  const h1 = await stackFor('http/1.1', 'client');
  const ownOrigins = await stackFor('h2', 'client', 'podlet');
  const stacks: Partial<Record<Variant, PageStack>> = {
    'U+P': await stackFor('h2', variantRender['U+P']),
    'U+P SW': await stackFor('h2', variantRender['U+P SW'], 'cdn', true),
  };
  const ssrModes = { hydrate: shared.ssr.hydrate, serverOnly: serverOnlyOf(shared.ssr.modes) };
  const bundles = await buildBundles(root, `${servers.work}/bundles`, pages, ssrModes);
  const served: Record<Variant, [PageStack, RequestHandler]> = {
    U: [shared.h2, rewriteHead(shared.h2.handle, pagePaths, stripModulePreloads)],
    'U+P': [stacks['U+P']!, stacks['U+P']!.handle],
    'U+P SSR': [shared.ssr, shared.ssr.handle],
    'U+P 7o': [ownOrigins, ownOrigins.handle],
    B: [shared.h2, bundledLayout(shared.h2.handle, bundles, 'b')],
    'B SSR': [shared.ssr, bundledLayout(shared.ssr.handle, bundles, 'h')],
    S: [shared.h2, bundledLayout(shared.h2.handle, bundles, 's')],
    'U+P h1': [h1, h1.handle],
    'U+P SW': [stacks['U+P SW']!, stacks['U+P SW']!.handle],
  };
  const fronts = {} as Record<Variant, string>;
  const modes = {} as Record<Variant, RenderModes>;
  const layouts: Array<{ refresh(): Promise<void>; url: string }> = [];
  for (const [variant, [stack, handler]] of Object.entries(served) as Array<[Variant, [PageStack, RequestHandler]]>) {
    checkModes(variant, stack.modes);
    fronts[variant] = await servers.listen(handler, variant === 'U+P h1' ? 'http/1.1' : 'h2');
    modes[variant] = stack.modes;
    layouts.push({ refresh: stack.refresh, url: fronts[variant] });
    await checkPages(variant, fronts[variant]);
  }
  return { fronts, stacks, bundles, modes, layouts };
}

/** A variant's podlets must render as variantRender says: all 'client', or not (the demo's own modes). */
export function checkModes(variant: Variant, modes: RenderModes): void {
  const render = variantRender[variant];
  const client = Object.values(modes).every((m) => m === 'client');
  if (client !== (render === 'client'))
    throw new Error(`bench: ${variant} should run '${render}' podlets, but they are ${JSON.stringify(modes)}`);
}

/**
 * Asks `front` for each page once, brotli accepted, before a visit, so the visit's own request is
 * never the first a layout answers for that page (with its assets still to compose). It once also
 * set how the layout compressed the next page on the path; since the layout compresses each
 * response alone (runtime/layout/render/create-compressed-body.ts), that no longer matters.
 */
export async function primePages(front: string): Promise<void> {
  for (const path of pagePaths) await (await fetch(new URL(path, front), { headers: { 'accept-encoding': 'br' } })).arrayBuffer();
}

/** Every page composed, no podlet's fallback in it. */
async function checkPages(variant: string, url: string): Promise<void> {
  for (const path of pagePaths) {
    const html = await (await fetch(new URL(path, url))).text();
    if (html.includes('data-fallback')) throw new Error(`bench: ${variant} ${path} served a podlet's fallback`);
  }
}
