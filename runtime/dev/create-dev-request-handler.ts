import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { PodmapError } from '../shared/errors.ts';
import { resolveInside } from '../shared/files/resolve-inside.ts';
import { createStaticFiles, type StaticFiles } from '../shared/http/create-static-files.ts';
import { escapeHtml } from '../shared/html.ts';
import { sendError } from '../shared/http/send-error.ts';
import type { AssetTranspiler } from './create-asset-transpiler.ts';
import { createDevImportMap, NODE_MODULES_PATH } from './create-dev-import-map.ts';
import { renderPreviewPage } from './render-preview-page.ts';
import type { RunningPodlet } from './start-podlet-module.ts';

/** What the dev server's handler works from. `transpile` is null when the podlet has no assets/ folder. */
export interface DevRequestContext {
  podletDir: string;
  podlet: RunningPodlet;
  transpile: AssetTranspiler | null;
  /** `<name>@<version>` → package folder, filled as import maps are made; only these folders are served. */
  packages: Map<string, string>;
}

// A live layout on another origin loads these modules with crossorigin="anonymous"; Chromium
// also asks (Private Network Access) before a public page may reach this loopback server.
const CORS_HEADERS = { 'access-control-allow-origin': '*' };
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  'access-control-allow-private-network': 'true',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
};

/** The preview page: a fresh import map (npm install while the server runs is picked up) and fragment per request. */
async function sendPreview(res: ServerResponse, context: DevRequestContext): Promise<void> {
  const { importMap, packages, warnings } = createDevImportMap(context.podletDir);
  for (const [key, dir] of packages) if (!context.packages.has(key)) context.packages.set(key, dir);
  const { html, entries, css } = await context.podlet.render();
  const page = renderPreviewPage({ name: context.podlet.name, importMap, html, entries, css, warnings });
  res.writeHead(200, { ...CORS_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(page);
}

/** `/public/<file>.js` from `assets/<file>.ts` when it exists, else `public/<file>` as built. */
async function sendOwnFile(req: IncomingMessage, res: ServerResponse, context: DevRequestContext, encoded: string, files: StaticFiles) {
  if (context.transpile && encoded.endsWith('.js')) {
    // resolveInside refuses "..", "%2f" and the like: nothing outside assets/ is ever compiled.
    const source = resolveInside(path.join(context.podletDir, 'assets'), `${encoded.slice(0, -'.js'.length)}.ts`);
    if (existsSync(source)) {
      const code = await context.transpile(source);
      res.writeHead(200, { ...CORS_HEADERS, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : code);
      return;
    }
  }
  await files(req, res, encoded, false);
}

/** `/-/node_modules/<name>@<version>/<file>`: a file of a package the import map resolved, never outside its folder. */
async function sendPackageFile(
  req: IncomingMessage,
  res: ServerResponse,
  context: DevRequestContext,
  encoded: string,
  filesOf: (dir: string) => StaticFiles,
) {
  const parts = encoded.split('/');
  const keyLength = parts[0]?.startsWith('@') ? 2 : 1;
  let key: string;
  try {
    key = decodeURIComponent(parts.slice(0, keyLength).join('/'));
  } catch {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'malformed percent-encoding');
  }
  const dir = context.packages.get(key);
  if (!dir) throw new PodmapError('PODMAP_ERR_NOT_FOUND', `no package ${escapeHtml(key)} in the import map`);
  await filesOf(dir)(req, res, parts.slice(keyLength).join('/'), false);
}

/**
 * Creates the dev server's request handler: the preview page at `/`, the podlet's modules at
 * `/public/` (compiled from assets/ per request), the packages of its import map under
 * NODE_MODULES_PATH, CORS on everything and the Private Network Access preflight. Errors are
 * podmap's JSON error bodies (PODMAP_ERR_BAD_PATH for a path that tries to leave its folder).
 */
export function createDevRequestHandler(context: DevRequestContext): (req: IncomingMessage, res: ServerResponse) => void {
  const publicFiles = createStaticFiles(path.join(context.podletDir, 'public'));
  const packageFiles = new Map<string, StaticFiles>();
  const filesOf = (dir: string) => packageFiles.get(dir) ?? packageFiles.set(dir, createStaticFiles(dir)).get(dir)!;
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, PREFLIGHT_HEADERS);
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED');
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (pathname === '/' || pathname === '/index.html') return sendPreview(res, context);
    if (pathname.startsWith('/public/')) return sendOwnFile(req, res, context, pathname.slice('/public/'.length), publicFiles);
    if (pathname.startsWith(NODE_MODULES_PATH))
      return sendPackageFile(req, res, context, pathname.slice(NODE_MODULES_PATH.length), filesOf);
    throw new PodmapError('PODMAP_ERR_NOT_FOUND', escapeHtml(pathname));
  }
  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.setHeader('access-control-allow-origin', '*');
      sendError(res, error);
    });
  };
}
