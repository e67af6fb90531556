import type { IncomingMessage, ServerResponse } from 'node:http';
import { attributes } from '../../shared/html.ts';
import { buildContentSecurityPolicy, createNonce, scriptOriginsOf, styleOriginsOf, type CspOptions } from './content-security-policy.ts';
import type { ContentResult, PodletClient } from '../podlets/create-podlet-client.ts';
import type { PageComposer } from '../assets/create-page-composer.ts';
import { createCompressedBody, type CompressedBody } from './create-compressed-body.ts';
import { applyOverrides } from '../overrides/apply-overrides.ts';
import { parseOverridesCookie, type ImportMapOverrides } from '../overrides/parse-overrides-cookie.ts';
import { renderOverridesNotice } from '../overrides/render-overrides-notice.ts';
import type { LayoutPage } from '../assets/layout-page.ts';
import type { PageAssets } from '../assets/page-assets.ts';
import { renderHead, type HeadOptions } from './render-head.ts';
import { podletContextHeaders, type RequestContext } from '../podlets/podlet-context.ts';
import { renderPageState, renderPodletSection } from './render-podlet-section.ts';
import { renderWorkerRegistration } from '../service-worker/serve-worker-script.ts';
import type { ResolvedServiceWorker } from '../service-worker/worker-config.ts';

/** What serving a page needs from the layout's options, resolved once by createLayout(). */
export interface PageServerSettings {
  name: string;
  mode: HeadOptions['mode'];
  layoutCss: string[];
  csp: CspOptions | null;
  overrides: { allowedHosts?: string[] } | null;
  /** Sent to podlets as `podium-mount-origin`; when unset, a checked Host header is. */
  mountOrigin?: string;
  /** What the layout knows about a request (locale, signed-in user), forwarded to every podlet. */
  context?: (req: IncomingMessage) => RequestContext | null | undefined | Promise<RequestContext | null | undefined>;
  /** The generated service worker, registered (or, with its kill switch, removed) by every page. */
  serviceWorker?: ResolvedServiceWorker | null;
}

// A host name or IPv4 address, or a bracketed IPv6 address, and an optional port: nothing that
// could carry a path, credentials, a second header or markup to a podlet.
const PLAIN_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/**
 * The mount origin podlets are told about when the layout was given none: the request's Host
 * header if it is a plain host (and port), else http://localhost. Podlets build absolute URLs
 * from it, so a hostile Host must never reach them as it is.
 */
export function originOfHost(host: string | undefined): string {
  return host && PLAIN_HOST.test(host) ? `http://${host.toLowerCase()}` : 'http://localhost';
}

/** Stands in for the per-response nonce in a cached head; nothing a page contains looks like it. */
const NONCE_PLACEHOLDER = '\u0000podmap-nonce\u0000';

/** A head rendered once per page's assets, split where the per-response nonce goes. */
interface RenderedHead {
  head: string[];
  csp: string[] | null;
}

/**
 * Serves one page request, as a pipeline of the steps below: make sure manifests are known,
 * start every podlet's content request, take the page's cached assets, apply a developer's
 * overrides, write the head (rendered once per assets, with a fresh nonce per response), then
 * stream the fragments in page order. The page answers 200 whatever its podlets do.
 */
export function createPageServer(composer: PageComposer, settings: PageServerSettings) {
  const heads = new WeakMap<PageAssets, RenderedHead>();
  return async function servePage(req: IncomingMessage, res: ServerResponse, path: string, page: LayoutPage): Promise<void> {
    await composer.ensureManifests();
    // createLayout() refuses a page that names an unregistered podlet, so every name has a client.
    const clients = page.podlets.flatMap((n) => composer.podlets.get(n) ?? []);
    // Content requests start before the head is written, so podlets work while the browser
    // already fetches modules.
    const context = await requestContext(req, settings);
    const mountOrigin = settings.mountOrigin ?? originOfHost(req.headers.host);
    const podletHeaders = podletContextHeaders(req, path, { name: settings.name, mountOrigin }, context ?? undefined);
    const contents = clients.map((c) => c.content(podletHeaders));
    const cached = await composer.assetsFor(page.podlets);
    const { assets, applied } = applyRequestOverrides(req, cached, composer, settings);
    const nonce = settings.csp ? createNonce() : undefined;
    const rendered = (!applied && heads.get(assets)) || renderPageHead(assets, page, settings, nonce !== undefined);
    if (!applied) heads.set(assets, rendered);
    // Pages are never cached; an overridden one least of all (it is one developer's page).
    const headers: Record<string, string> = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      vary: 'Accept-Encoding',
    };
    if (nonce && rendered.csp) headers['content-security-policy'] = rendered.csp.join(nonce);
    const out = createCompressedBody(req, res, headers);
    res.writeHead(200, headers);
    out.write(rendered.head.join(nonce ?? '') + renderBodyStart(path, applied, settings, nonce));
    out.flush();
    await streamFragments(out, clients, contents, assets, nonce);
    out.end('</main>\n</body>\n</html>\n');
  };
}

/** The layout's `context` for this request; one that throws costs the podlets the user and locale, never the page. */
async function requestContext(req: IncomingMessage, settings: PageServerSettings): Promise<RequestContext | null | undefined> {
  try {
    return await settings.context?.(req);
  } catch (error) {
    console.warn(`podmap: PODMAP_ERR_INTERNAL: the layout's context option threw (${String(error).slice(0, 200)}); podlets get no user`);
    return undefined;
  }
}

/** The page's assets with the request's overrides cookie applied: a copy, because the cached assets are every other user's page. */
function applyRequestOverrides(
  req: IncomingMessage,
  assets: PageAssets,
  composer: PageComposer,
  settings: PageServerSettings,
): { assets: PageAssets; applied: ImportMapOverrides | null } {
  if (!settings.overrides) return { assets, applied: null };
  const applied = parseOverridesCookie(req.headers.cookie, {
    allowedHosts: settings.overrides.allowedHosts,
    podlets: new Set(composer.podlets.keys()),
  });
  if (!applied) return { assets, applied: null };
  for (const r of applied.rejected) {
    console.warn(`podmap: PODMAP_ERR_OVERRIDE_REJECTED: ${JSON.stringify(r.key)} → ${JSON.stringify(r.value)}: ${r.reason}`);
  }
  // Every podlet, not only the page's: an exposed module may come from one that is not on it.
  const bases = new Map(
    [...composer.podlets.values()].flatMap((c) => (c.state?.podmap ? [[c.name, c.state.podmap.baseUrl] as const] : [])),
  );
  return { assets: applyOverrides(assets, applied, bases), applied };
}

/** Renders the head and its CSP with a placeholder where each response's nonce goes. */
function renderPageHead(assets: PageAssets, page: LayoutPage, settings: PageServerSettings, withNonce: boolean): RenderedHead {
  const placeholder = withNonce ? NONCE_PLACEHOLDER : undefined;
  const head = renderHead(assets, { title: page.title, mode: settings.mode, layoutCss: settings.layoutCss, nonce: placeholder });
  const csp =
    placeholder && settings.csp
      ? buildContentSecurityPolicy(placeholder, scriptOriginsOf(assets), {
          ...settings.csp,
          worker: Boolean(settings.serviceWorker),
          style: { origins: styleOriginsOf(assets, settings.layoutCss), hashes: assets.styleHashes ?? [] },
        })
      : null;
  return { head: head.split(NONCE_PLACEHOLDER), csp: csp?.split(NONCE_PLACEHOLDER) ?? null };
}

function renderBodyStart(path: string, applied: ImportMapOverrides | null, settings: PageServerSettings, nonce?: string): string {
  let body = '<body>\n';
  if (settings.overrides) body += `<script${attributes({ type: 'module', src: '/-/podmap/overrides.js', nonce })}></script>\n`;
  if (settings.serviceWorker) body += `<script${attributes({ nonce })}>${renderWorkerRegistration(settings.serviceWorker)}</script>\n`;
  if (applied) body += renderOverridesNotice(applied, path, nonce);
  const pageName = path === '/' ? 'home' : path.slice(1).replace(/[^a-z0-9-]/gi, '');
  return `${body}<main class="page" data-page="${pageName}">\n`;
}

/**
 * Writes the fragments in page order; whatever is ready when one arrives goes in the same write,
 * and each batch is flushed. A podlet that cannot run on this page, or whose content failed,
 * gets its fallback.
 */
async function streamFragments(
  out: CompressedBody,
  clients: readonly PodletClient[],
  contents: ReadonlyArray<Promise<ContentResult>>,
  assets: PageAssets,
  nonce: string | undefined,
): Promise<void> {
  const ready: Array<ContentResult | undefined> = clients.map(() => undefined);
  contents.forEach((c, i) => void c.then((r) => (ready[i] = r)));
  const section = (index: number, result: ContentResult) => {
    const client = clients[index]!;
    const fallbackOnly = assets.fallbackOnly.has(client.name);
    const html = fallbackOnly ? (client.state?.fallbackHtml ?? '') : result.html;
    const markup = renderPodletSection(client.name, html, { fallback: fallbackOnly || result.error !== undefined });
    // Before the section, so it is in the document before any module runs (modules run after parsing).
    return result.pageState && !fallbackOnly ? renderPageState(client.name, result.pageState, nonce) + markup : markup;
  };
  for (let index = 0; index < clients.length;) {
    // The awaited fragment is written whatever `ready` says, so the loop always advances.
    let chunk = section(index, await contents[index]!);
    for (index++; index < clients.length && ready[index]; index++) chunk += section(index, ready[index]!);
    out.write(chunk);
    if (index < clients.length) out.flush();
  }
}
