// podmap's service worker (docs/service-worker.md). A layout serves it at its worker path with
// its configuration written first (`self.podmapWorker = {…}`), so the script's bytes change
// whenever any page's modules do, and the browser's own update check installs the new worker.
// It is a classic script with full URLs only: workers see no import map.

interface PrecacheEntry {
  url: string;
  /** The module's SRI hash; entries without one (stylesheets) may change at the same URL. */
  integrity?: string;
}

interface WorkerConfig {
  /** A hash of everything below, so two configurations that differ make two scripts that differ. */
  version: string;
  /** Every module and stylesheet of every page of the layout. */
  precache: PrecacheEntry[];
  /** Immutable URLs cached when a page first uses them, not before (es-module-shims in native mode). */
  onUse: PrecacheEntry[];
  /** The layout's pages; only their navigations are answered by the worker. */
  pages: Array<{ path: string; title: string }>;
  /** How long a navigation waits for the network before a kept copy of the page is served. */
  navigationTimeoutMs: number;
  /** Keep a copy of every page visited, for offline use. */
  offlinePages: boolean;
  /** The kill switch: remove every cache of this worker and unregister it. */
  unregister: boolean;
}

const worker = self as unknown as ServiceWorkerGlobalScope & { podmapWorker: WorkerConfig };
const config = worker.podmapWorker;
const MODULES = 'podmap-modules';
const PAGES = 'podmap-pages';
// URLs are absolute, but for the layout's own files ("/static/layout.css"), relative to its origin.
const absolute = (entry: PrecacheEntry): PrecacheEntry => ({ ...entry, url: new URL(entry.url, location.href).href });
const precache = config.precache.map(absolute);
const entries = new Map<string, PrecacheEntry & { cacheFirst: boolean }>();
for (const entry of config.onUse.map(absolute)) entries.set(entry.url, { ...entry, cacheFirst: true });
for (const entry of precache) entries.set(entry.url, { ...entry, cacheFirst: entry.integrity !== undefined });
const titles = new Map(config.pages.map((page) => [page.path, page.title]));

worker.addEventListener('install', (event) => event.waitUntil(install()));
worker.addEventListener('activate', (event) => event.waitUntil(activate()));
worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || config.unregister) return;
  const url = new URL(request.url);
  if (request.mode === 'navigate') {
    if (url.origin === location.origin && titles.has(url.pathname)) event.respondWith(navigate(event, url.pathname));
    return;
  }
  const entry = entries.get(request.url);
  // Anything the layout does not know: the network, untouched.
  if (entry) event.respondWith(entry.cacheFirst ? cacheFirst(request, entry) : networkFirst(request, entry));
});

/** Caches what this version needs and the cache lacks; what earlier versions cached is reused, and what the page fetched comes from the HTTP cache. */
async function install(): Promise<void> {
  if (!config.unregister) {
    const cache = await openModules();
    const have = new Set((await cache.keys()).map((request) => request.url));
    const missing = precache.filter((entry) => !have.has(entry.url));
    // One failed URL must not keep the worker out: it is fetched, and cached, when a page uses it.
    await Promise.allSettled(
      missing.map(async (entry) => {
        const response = await fetchChecked(entry);
        await cache.put(entry.url, response.clone());
        const kept = entry.integrity ? await checked(response, entry.integrity) : null;
        if (kept) remember(entry.url, kept);
      }),
    );
  }
  await worker.skipWaiting();
}

/** Drops what no page references any more (one release's modules are kept, not every release's). */
async function activate(): Promise<void> {
  if (config.unregister) {
    await Promise.all([caches.delete(MODULES), caches.delete(PAGES)]);
    await worker.registration.unregister();
    return;
  }
  await worker.registration.navigationPreload?.enable();
  const modules = await openModules();
  for (const request of await modules.keys()) if (!entries.has(request.url)) await modules.delete(request);
  const pages = await caches.open(PAGES);
  for (const request of await pages.keys())
    if (!config.offlinePages || !titles.has(new URL(request.url).pathname)) await pages.delete(request);
  if (config.offlinePages) await keepOpenPages(pages);
  await worker.clients.claim();
}

/**
 * The pages open when the worker first starts were loaded without it: fetch each once more, so a
 * page visited once is there offline. Its modules come from the cache; only its HTML is fetched.
 */
async function keepOpenPages(pages: Cache): Promise<void> {
  const open = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of open) {
    const url = new URL(client.url);
    if (url.origin !== location.origin || !titles.has(url.pathname) || (await pages.match(url.pathname))) continue;
    try {
      const response = await fetch(url.pathname, { credentials: 'same-origin' });
      if (response.ok && !response.redirected) await pages.put(url.pathname, response);
    } catch {
      // Offline already: the next visit keeps it.
    }
  }
}

/** A CORS fetch of the entry (never an opaque response), checked against its hash by the browser itself. */
async function fetchChecked(entry: PrecacheEntry): Promise<Response> {
  const response = await fetch(entry.url, { mode: 'cors', credentials: 'same-origin', integrity: entry.integrity ?? '' });
  if (!response.ok) throw new TypeError(`podmap: ${entry.url} answered ${response.status}`);
  return response;
}

/** A response kept in the worker's memory: its bytes, already checked against their hash. */
interface KeptResponse {
  body: ArrayBuffer;
  status: number;
  headers: Array<[string, string]>;
}

// Answering from memory is what keeps a page with the worker as fast as one without: a Cache
// Storage read per module costs a page about as much as the HTTP cache saves. Bounded, and
// empty again whenever the browser stops the idle worker.
const MEMORY_MAX_BYTES = 16 * 1024 * 1024;
const memory = new Map<string, KeptResponse>();
let memoryBytes = 0;
let modulesCache: Promise<Cache> | undefined;
const openModules = () => (modulesCache ??= caches.open(MODULES));

function remember(url: string, kept: KeptResponse): void {
  if (kept.body.byteLength > MEMORY_MAX_BYTES / 16) return;
  memory.set(url, kept);
  memoryBytes += kept.body.byteLength;
  for (const [key, value] of memory) {
    if (memoryBytes <= MEMORY_MAX_BYTES) break;
    memory.delete(key);
    memoryBytes -= value.body.byteLength;
  }
}

const answer = (kept: KeptResponse) => new Response(kept.body, { status: kept.status, headers: kept.headers });

/** The response's bytes and headers if they match `integrity` (or there is none), else null. */
async function checked(response: Response, integrity: string | undefined): Promise<KeptResponse | null> {
  const body = await response.arrayBuffer();
  if (!(await hasIntegrity(body, integrity))) return null;
  return { body, status: response.status, headers: [...response.headers] };
}

/**
 * Immutable URLs: from memory, else from the cache if what it holds still has the right hash,
 * else from the network, kept for next time. A tampered or damaged cached copy is never served:
 * it is deleted and fetched again. When the worker cannot fetch it (a server without CORS), the
 * page's own request goes out as it was.
 */
async function cacheFirst(request: Request, entry: PrecacheEntry): Promise<Response> {
  const inMemory = memory.get(entry.url);
  if (inMemory) return answer(inMemory);
  const cache = await openModules();
  const hit = await cache.match(entry.url);
  const kept = hit ? await checked(hit, entry.integrity) : null;
  if (kept) {
    remember(entry.url, kept);
    return answer(kept);
  }
  if (hit) await cache.delete(entry.url);
  try {
    const response = await fetchChecked(entry);
    await cache.put(entry.url, response.clone());
    const fresh = await checked(response, entry.integrity);
    if (!fresh) throw new TypeError('podmap: integrity');
    remember(entry.url, fresh);
    return answer(fresh);
  } catch {
    return fetch(request);
  }
}

/** URLs whose content may change (stylesheets): the network, and the precached copy when it cannot answer. */
async function networkFirst(request: Request, entry: PrecacheEntry): Promise<Response> {
  const cache = await openModules();
  try {
    const response = await fetchChecked(entry);
    await cache.put(entry.url, response.clone());
    return response;
  } catch {
    return (await cache.match(entry.url)) ?? fetch(request);
  }
}

/** True when the bytes' hash is one of `integrity`'s (or there is no hash to check). */
async function hasIntegrity(bytes: ArrayBuffer, integrity: string | undefined): Promise<boolean> {
  if (!integrity) return true;
  for (const token of integrity.trim().split(/\s+/)) {
    const [algorithm, expected] = [token.slice(0, token.indexOf('-')), token.slice(token.indexOf('-') + 1)];
    const name = ({ sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as Record<string, string>)[algorithm];
    if (!name) continue;
    const digest = new Uint8Array(await crypto.subtle.digest(name, bytes));
    if (btoa(String.fromCharCode(...digest)) === expected.split('?')[0]) return true;
  }
  return false;
}

/**
 * A page of the layout: the network first, through navigation preload. When the network fails,
 * or takes longer than navigationTimeoutMs while a copy is kept, the last good copy of the page
 * (with its headers, CSP included); a page never visited gets the offline page.
 */
async function navigate(event: FetchEvent, path: string): Promise<Response> {
  // The preload is taken while the event is being dispatched, before any await. Read after one,
  // WebKit sometimes gave undefined for a preload it had sent; the worker then asked for the page
  // a second time, and in that page no script ran, not even the inline ones that carry its nonce.
  const preload = Promise.resolve(event.preloadResponse);
  event.waitUntil(preload.catch(() => undefined));
  const pages = await caches.open(PAGES);
  const network = preload.then((preloaded: Response | undefined) => preloaded ?? fetch(event.request));
  const keep = network.then((response) => {
    if (config.offlinePages && response.ok && !response.redirected) return pages.put(path, response.clone());
    return undefined;
  });
  event.waitUntil(keep.catch(() => undefined));
  const copy = config.offlinePages ? await pages.match(path) : undefined;
  try {
    if (!copy) return await network;
    const late = new Promise<Response>((resolve) => setTimeout(() => resolve(copy), config.navigationTimeoutMs));
    return await Promise.race([network, late]);
  } catch {
    return copy ?? offlinePage(pages);
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a page never visited shows offline: a list of the pages that have a copy. */
async function offlinePage(pages: Cache): Promise<Response> {
  const links: string[] = [];
  for (const [path, title] of titles) {
    if (await pages.match(path)) links.push(`<li><a href="${escapeHtml(path)}">${escapeHtml(title)}</a></li>`);
  }
  const list =
    links.length > 0 ? `<p>These pages are available offline:</p>\n<ul>${links.join('')}</ul>` : '<p>No page is available offline yet.</p>';
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline</title></head>\n<body><main data-podmap-offline><h1>You are offline</h1>\n<p>This page has not been opened on this device yet, so there is no copy of it.</p>\n${list}</main></body></html>\n`;
  return new Response(html, {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" },
  });
}
