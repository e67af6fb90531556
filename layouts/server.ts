import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMain } from '@podmap/runtime/cli';
import { createLayout, type ServiceWorkerOptions } from '@podmap/runtime/layout';
import { demoPages, demoPodletNames, demoPorts, listenOnDemoPort, manifestUrlVariable, portVariable } from './demo-wiring.ts';

const env = (name: string, fallback: string) => process.env[name] || fallback;

/** What createDemoLayout() takes from its caller rather than from the environment. */
export interface DemoLayoutOptions {
  mode?: 'native' | 'shim';
  timeoutMs?: number;
  csp?: boolean;
  /** Import-map overrides (docs/overrides.md); default from PODMAP_OVERRIDES. */
  overrides?: boolean;
  /** The generated service worker (docs/service-worker.md); default on, off with PODMAP_SERVICE_WORKER=0. */
  serviceWorker?: boolean | ServiceWorkerOptions;
  /** The CDN's base URL and podlet name → manifest URL, instead of PODMAP_CDN_URL and PODMAP_<NAME>_URL. */
  urls?: { cdn?: string; podlets?: Record<string, string> };
}

/**
 * The demo's layout server: home `/` (header, auth, geo, image, footer) and `/search` (header,
 * search, geo, footer). Podlet manifests are found at PODMAP_<NAME>_URL, or on localhost at
 * the podlet's port; the CDN at PODMAP_CDN_URL.
 */
export function createDemoLayout(options: DemoLayoutOptions = {}) {
  const root = new URL('..', import.meta.url);
  const podlets = Object.fromEntries(
    demoPodletNames.map((name) => [
      name,
      options.urls?.podlets?.[name] ??
        env(manifestUrlVariable(name), `http://127.0.0.1:${env(portVariable(name), String(demoPorts[name]))}/manifest.json`),
    ]),
  );
  // Off unless asked for: PODMAP_OVERRIDES=1, hosts from PODMAP_OVERRIDES_HOSTS (comma-separated).
  const overrideHosts = env('PODMAP_OVERRIDES_HOSTS', '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const overrides = (options.overrides ?? env('PODMAP_OVERRIDES', '0') === '1') && {
    allowedHosts: overrideHosts.length > 0 ? overrideHosts : undefined,
  };
  return createLayout({
    name: 'podmap-demo',
    cdnUrl: options.urls?.cdn ?? env('PODMAP_CDN_URL', `http://127.0.0.1:${env('PODMAP_CDN_PORT', '7700')}/`),
    importMap: JSON.parse(readFileSync(new URL('import-map.json', root), 'utf8')),
    podlets,
    pages: demoPages,
    staticDir: fileURLToPath(new URL('static/', import.meta.url)),
    layoutCss: ['/static/layout.css'],
    timeoutMs: options.timeoutMs ?? Number(env('PODMAP_PODLET_TIMEOUT_MS', '1000')),
    mode: options.mode ?? (env('PODMAP_MODE', 'native') as 'native' | 'shim'),
    // A strict CSP unless PODMAP_CSP=0: the demo shows that podmap's pages work under one.
    csp: options.csp ?? env('PODMAP_CSP', '1') !== '0',
    overrides,
    serviceWorker: options.serviceWorker ?? env('PODMAP_SERVICE_WORKER', '1') !== '0',
    // Who is signed in, forwarded to every podlet: auth's demo cookie stands in for a session.
    context: (req) => ({ user: demoUser(req.headers.cookie) }),
  });
}

if (isMain(import.meta.url)) {
  await listenOnDemoPort(createDemoLayout(), 'layout');
}

/** The signed-in user of the demo's `podmap-demo-user` cookie, if it holds a plausible name. */
export function demoUser(cookie: string | undefined): { name: string } | null {
  const raw = /(?:^|;\s*)podmap-demo-user=([^;]*)/.exec(cookie ?? '')?.[1];
  if (!raw) return null;
  try {
    const name = decodeURIComponent(raw);
    return /^[\p{L}\p{N} ._'-]{1,40}$/u.test(name) ? { name } : null;
  } catch {
    return null;
  }
}
