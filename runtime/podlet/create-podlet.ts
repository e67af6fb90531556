import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { assertPodletName } from '../shared/assert-podlet-name.ts';
import { createConfigError, PodmapError } from '../shared/errors.ts';
import { createStaticFiles } from '../shared/http/create-static-files.ts';
import { sendError } from '../shared/http/send-error.ts';
import { sendJson } from '../shared/http/send-json.ts';
import { escapeHtml } from '../shared/html.ts';
import { listenOn } from '../shared/listen-on.ts';
import { checkCdnRelease } from './check-cdn-release.ts';
import { describePodlet, type PodletPackage } from './describe-podlet.ts';
import { findHydrateSupport } from './find-hydrate-support.ts';
import { startRenderer, type LitTemplate, type Renderer, type RenderMode } from './start-renderer.ts';

export { DEFAULT_RENDER_TIMEOUT_MS, type LitTemplate, type RenderMode } from './start-renderer.ts';

export interface PodletOptions {
  /** Podium name: 2–100 of [a-zA-Z0-9_-]. */
  name: string;
  /** The podlet's folder: its package.json (name, version, dependencies) and public/. */
  packageDir: string;
  /** Entry modules, relative to public/ ("header.js"). */
  entries: string[];
  /** Stylesheets, relative to public/. */
  css?: string[];
  /** Bare specifier (under the package name) → module path relative to public/. */
  exposes?: Record<string, string>;
  /**
   * The fragment's HTML. Values from the request must be escaped (see escapeHtml). With `render`
   * 'ssr-only' or 'hydrate' it may also be a lit template (html`…`), which lit escapes and
   * @lit-labs/ssr renders into declarative shadow DOM, streamed.
   */
  content(req: IncomingMessage): string | LitTemplate | Promise<string | LitTemplate>;
  /** Where the fragment is rendered; default 'client'. See RenderMode. */
  render?: RenderMode;
  /** How long a server render may run before the response is cut (the layout then serves the fallback). Default: DEFAULT_RENDER_TIMEOUT_MS. */
  renderTimeoutMs?: number;
  /** What a layout shows when the podlet cannot answer; cached by layouts. */
  fallback?(): string;
  /**
   * State for the page, per store channel (docs/sharing.md): sent with the content as the
   * `podmap-state` header, which the layout puts in the page for the browser's stores to start
   * from. Channels must be the podlet's name or start with it and ":"; at most 4 KB of JSON.
   */
  state?(req: IncomingMessage): Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  /** Rescan modules per request and never mark files immutable. Default: false. */
  development?: boolean;
  /**
   * An asset CDN where this version's public/ was published as a podlet release
   * (`podlet/<podlet name>@<version>/`, so the name must also be a plain npm name). Pages then load the podlet's modules from the CDN's
   * origin, on the connection that brings the shared libraries, instead of opening one more
   * per podlet. Checked at start-up: if the release is missing or differs from public/, the
   * podlet logs PODMAP_ERR_PODLET_RELEASE_MISMATCH and serves its modules itself.
   */
  cdnUrl?: string;
}

export interface Podlet {
  readonly name: string;
  readonly version: string;
  /** The request handler; mount it in any node:http server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Starts a server on `port` (0 for any free one) and resolves once it listens. */
  listen(port: number, host?: string): Promise<Server>;
}

/**
 * Creates a Podium-compatible podlet. Serves `/manifest.json` (valid against Podium's schema),
 * `/podmap.json` (needs, exposes, module graph), the content at `/`, the fallback at
 * `/fallback`, and the compiled modules of public/ at `/public@<version>/` (immutable) and
 * `/public/` (revalidated). Needs are derived from the bare specifiers the compiled modules
 * import, with ranges from package.json; an import of an undeclared package throws here, at
 * start-up, rather than in a user's browser.
 */
export async function createPodlet(options: PodletOptions): Promise<Podlet> {
  const pkg = readPodletPackage(options);
  const publicDir = path.join(options.packageDir, 'public');
  const files = createStaticFiles(publicDir);
  const versionedPrefix = `/public@${pkg.version}/`;
  const exposes = options.exposes ?? {};
  const renderer = await startRenderer(options, publicDir);
  const releaseBase =
    options.cdnUrl && !options.development ? await findRelease(options.cdnUrl, options.name, pkg.version, publicDir) : null;
  const base = releaseBase ?? `.${options.development ? '/public/' : versionedPrefix}`;
  const describe = async () => {
    const doc = await describePodlet({ podletName: options.name, pkg, publicDir, entries: options.entries, exposes, base });
    const hydrate = options.render === 'hydrate' ? findHydrateSupport(options.name, options.packageDir, doc.modules) : undefined;
    return { ...doc, ...(renderer && { render: options.render, styleHashes: renderer.styleHashes }), ...(hydrate && { hydrate }) };
  };
  let description = await describe();
  const manifest = () => podiumManifest(options, pkg.version, description.base);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    const pathname = (req.url ?? '/').split('?')[0]!;
    const common = { 'podlet-version': pkg.version, 'access-control-allow-origin': '*' };
    if (pathname === '/manifest.json') return sendJson(res, 200, manifest(), { ...common, 'cache-control': 'no-cache' });
    if (pathname === '/podmap.json') {
      if (options.development) description = await describe();
      return sendJson(res, 200, description, { ...common, 'cache-control': 'no-cache' });
    }
    if (pathname === '/' || pathname === '/fallback') return sendFragment(req, res, options, renderer, pathname === '/', common);
    if (pathname.startsWith(versionedPrefix)) return files(req, res, pathname.slice(versionedPrefix.length), !options.development);
    if (pathname.startsWith('/public/')) return files(req, res, pathname.slice('/public/'.length), false);
    throw new PodmapError('PODMAP_ERR_NOT_FOUND', escapeHtml(pathname));
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => sendError(res, error));
  };
  return {
    name: options.name,
    version: pkg.version,
    handle,
    listen(port, host = '127.0.0.1') {
      return listenOn(createServer(handle), port, host);
    },
  };
}

/** The podlet's package.json, once its Podium name and its exposed specifiers are checked against it (PODMAP_ERR_CONFIG_*). */
function readPodletPackage(options: PodletOptions): PodletPackage {
  assertPodletName(options.name);
  const pkg = JSON.parse(readFileSync(path.join(options.packageDir, 'package.json'), 'utf8')) as PodletPackage;
  assertExposesInPackage(options.name, pkg.name, options.exposes ?? {});
  return pkg;
}

/** The content (`content`: true, with the page state as the `podmap-state` header) or the fallback, never cached. */
async function sendFragment(
  req: IncomingMessage,
  res: ServerResponse,
  options: PodletOptions,
  renderer: Renderer | null,
  content: boolean,
  common: Record<string, string>,
): Promise<void> {
  const html = content ? await options.content(req) : (options.fallback?.() ?? '');
  const state = content ? await options.state?.(req) : undefined;
  const stateHeader: Record<string, string> = state ? { 'podmap-state': asciiJson(state) } : {};
  const headers = { ...common, ...stateHeader, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  if (typeof html !== 'string') {
    if (!renderer)
      throw new PodmapError('PODMAP_ERR_RENDER_FAILED', `podlet "${options.name}" renders on the client; its content must be a string`);
    return renderer.send(req, res, html, headers);
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : html);
}

function assertExposesInPackage(podletName: string, packageName: string, exposes: Record<string, string>): void {
  for (const specifier of Object.keys(exposes)) {
    if (!specifier.startsWith(`${packageName}/`)) {
      throw createConfigError(
        'PODMAP_ERR_CONFIG_EXPOSE_OUTSIDE_PACKAGE',
        `podlet "${podletName}" exposes "${specifier}"; its package is "${packageName}"`,
      );
    }
  }
}

/** The base URL of this version's release on the CDN, or null (logged) when it is missing or differs: the podlet then serves its modules itself. */
async function findRelease(cdnUrl: string, podletName: string, version: string, publicDir: string): Promise<string | null> {
  try {
    return await checkCdnRelease(cdnUrl, podletName, version, publicDir);
  } catch (error) {
    const e = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_PODLET_RELEASE_MISMATCH', String(error));
    console.warn(`podmap: podlet "${podletName}": ${e.code}: ${e.message}`);
    return null;
  }
}

/** The podlet's Podium manifest; valid against `@podium/schemas`, which allows no extra properties. */
function podiumManifest(options: PodletOptions, version: string, base: string) {
  // Podium resolves asset URLs against the podlet's origin: "/public@1.0.0/x.js", or the CDN's absolute URL.
  const prefix = base.startsWith('./') ? base.slice(1) : base;
  return {
    name: options.name,
    version,
    content: '/',
    fallback: '/fallback',
    // An 'ssr-only' podlet's page runs none of its modules.
    js: (options.render === 'ssr-only' ? [] : options.entries).map((e) => ({
      value: `${prefix}${e}`,
      type: 'module',
      crossorigin: 'anonymous',
    })),
    css: (options.css ?? []).map((c) => ({ value: `${prefix}${c}`, type: 'text/css' })),
    proxy: {},
    team: '',
  };
}

/** JSON with every character outside printable ASCII written as \uXXXX: what an HTTP header can carry. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
