import { manifest as validateManifest } from '@podium/schemas';
import { assertPodletName } from '../shared/assert-podlet-name.ts';
import { PodmapError } from '../shared/errors.ts';
import { fetchText } from '../shared/http/fetch-text.ts';
import { validatePodmapDocument, type PodmapDocument } from '../shared/validate-podmap-document.ts';

/** The parts of a Podium manifest the layout uses, with URLs made absolute. */
export interface PodletState {
  version: string;
  contentUrl: string;
  fallbackUrl: string | null;
  js: Array<{ value: string; type?: string; crossorigin?: string; integrity?: string }>;
  css: Array<{ value: string; media?: string }>;
  /** podmap's additions, or null for a plain Podium podlet. */
  podmap: (PodmapDocument & { baseUrl: string }) | null;
  fallbackHtml: string;
}

/** The layout's connection to one registered podlet; see createPodletClient(). */
export interface PodletClient {
  readonly name: string;
  readonly manifestUrl: string;
  /** The cached state, or null while no valid manifest has been seen. */
  readonly state: PodletState | null;
  /**
   * Fetches the manifest again (at most one fetch at a time, and after a failure not more often
   * than every 2 s unless `force`). Resolves with the state, or null if there is none.
   */
  refresh(force?: boolean): Promise<PodletState | null>;
  /** Fetches the content with these request headers; on time-out, error or a non-2xx status, answers the cached fallback. */
  content(headers?: Record<string, string>): Promise<ContentResult>;
}

export interface ContentResult {
  html: string;
  /** Set when the fallback was served instead of the content. */
  error?: PodmapError;
}

/**
 * The layout's connection to one podlet: fetches and caches its manifest, podmap.json and
 * fallback, and fetches content with a time-out. When a content response names another
 * version than the cached manifest, the manifest is fetched again and `onChange` is called, so
 * the next page gets a map for the new release.
 */
export function createPodletClient(options: {
  name: string;
  manifestUrl: string;
  timeoutMs?: number;
  onChange?: () => void;
  log?: (error: PodmapError, podlet: string) => void;
}): PodletClient {
  const timeoutMs = options.timeoutMs ?? 1000;
  const log = options.log ?? ((error, podlet) => console.warn(`podmap: podlet "${podlet}": ${error.code}: ${error.message}`));
  let state: PodletState | null = null;
  let refreshing: Promise<PodletState | null> | null = null;
  let lastAttempt = 0;

  const load = () =>
    fetchPodletState(options.manifestUrl, { timeoutMs, previousFallbackHtml: state?.fallbackHtml ?? '', log: (e) => log(e, options.name) });

  const client: PodletClient = {
    name: options.name,
    manifestUrl: options.manifestUrl,
    get state(): PodletState | null {
      return state;
    },
    refresh(force = false): Promise<PodletState | null> {
      if (refreshing) return refreshing;
      if (!force && state === null && Date.now() - lastAttempt < 2000) return Promise.resolve(null);
      lastAttempt = Date.now();
      refreshing = load()
        .then((next) => {
          const changed = state?.version !== next.version;
          state = next;
          if (changed) options.onChange?.();
          return state;
        })
        .catch((error: PodmapError) => {
          log(error, options.name);
          return state;
        })
        .finally(() => {
          refreshing = null;
        });
      return refreshing;
    },
    async content(headers: Record<string, string> = {}): Promise<ContentResult> {
      const current = state;
      if (!current) return { html: '', error: new PodmapError('PODMAP_ERR_MANIFEST_UNREACHABLE', options.manifestUrl) };
      const result = await fetchContent(current, headers, timeoutMs);
      // A response from another release than the cached manifest: learn the new one for the next page.
      if (result.version && result.version !== current.version) void client.refresh(true);
      if (result.error) log(result.error, options.name);
      return { html: result.html, error: result.error };
    },
  };
  return client;
}

/** Resolves a manifest URL field; only http(s) may reach a page or a fetch. */
function httpUrl(value: string, base: string): string {
  const url = new URL(value, base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PodmapError('PODMAP_ERR_MANIFEST_INVALID', `${JSON.stringify(value)} is not an http(s) URL`);
  }
  return url.href;
}

/**
 * One client per registered podlet (name → manifest URL), for a layout or createPodmapHead().
 * Throws PODMAP_ERR_PODLET_NAME (a TypeError) for a name Podium would not accept: names end up in pages and logs.
 */
export function createPodletClients(
  podlets: Record<string, string>,
  options: { timeoutMs?: number; onChange?: () => void } = {},
): Map<string, PodletClient> {
  const clients = new Map<string, PodletClient>();
  for (const [name, manifestUrl] of Object.entries(podlets)) {
    assertPodletName(name);
    clients.set(name, createPodletClient({ name, manifestUrl, ...options }));
  }
  return clients;
}

/**
 * Fetches a podlet's manifest (validated with Podium's schema, URLs made absolute and limited to
 * http(s)), its podmap.json beside it and its fallback. A podmap.json that is missing makes a
 * plain Podium podlet; one that is invalid is logged and treated the same. A fallback that cannot
 * be fetched keeps `previousFallbackHtml`.
 */
async function fetchPodletState(
  manifestUrl: string,
  options: { timeoutMs: number; previousFallbackHtml: string; log: (error: PodmapError) => void },
): Promise<PodletState> {
  const { timeoutMs, log } = options;
  const manifestResponse = await fetchText(manifestUrl, {
    timeoutMs,
    maxBytes: 256 * 1024,
    failCode: 'PODMAP_ERR_MANIFEST_UNREACHABLE',
  });
  if (manifestResponse.status !== 200)
    throw new PodmapError('PODMAP_ERR_MANIFEST_UNREACHABLE', `${manifestUrl} answered ${manifestResponse.status}`);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestResponse.text);
  } catch {
    throw new PodmapError('PODMAP_ERR_MANIFEST_INVALID', `${manifestUrl} is not JSON`);
  }
  const { value, error } = validateManifest(manifest as never) as { value: Record<string, unknown>; error?: unknown };
  if (error) throw new PodmapError('PODMAP_ERR_MANIFEST_INVALID', `${manifestUrl}: ${JSON.stringify(error).slice(0, 300)}`);
  const at = (u: string) => httpUrl(u, manifestUrl);
  const next: PodletState = {
    version: String(value.version),
    contentUrl: at(String(value.content)),
    fallbackUrl: value.fallback ? at(String(value.fallback)) : null,
    js: ((value.js as PodletState['js']) ?? []).map((a) => ({ ...a, value: at(a.value) })),
    css: ((value.css as PodletState['css']) ?? []).map((a) => ({ ...a, value: at(a.value) })),
    podmap: await fetchPodmapDocument(manifestUrl, timeoutMs, log),
    fallbackHtml: options.previousFallbackHtml,
  };
  if (next.fallbackUrl) {
    try {
      const fallback = await fetchText(next.fallbackUrl, { timeoutMs, failCode: 'PODMAP_ERR_CONTENT_FAILED' });
      if (fallback.status === 200) next.fallbackHtml = fallback.text;
    } catch (error) {
      log(error as PodmapError); // keep the fallback cached from before
    }
  }
  return next;
}

async function fetchPodmapDocument(
  manifestUrl: string,
  timeoutMs: number,
  log: (error: PodmapError) => void,
): Promise<PodletState['podmap']> {
  const url = new URL('podmap.json', manifestUrl).href;
  try {
    const response = await fetchText(url, { timeoutMs, maxBytes: 1024 * 1024, failCode: 'PODMAP_ERR_PODMAP_INVALID' });
    if (response.status === 404) return null; // a plain Podium podlet
    if (response.status !== 200) throw new PodmapError('PODMAP_ERR_PODMAP_INVALID', `${url} answered ${response.status}`);
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      throw new PodmapError('PODMAP_ERR_PODMAP_INVALID', `${url} is not JSON`);
    }
    const doc = validatePodmapDocument(body);
    return { ...doc, baseUrl: httpUrl(doc.base, url) };
  } catch (error) {
    log(error as PodmapError);
    return null;
  }
}

/** One content request; on time-out, error or a non-2xx status, the cached fallback with the reason. */
async function fetchContent(
  current: PodletState,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<ContentResult & { version?: string }> {
  let version: string | undefined;
  try {
    const response = await fetchText(current.contentUrl, {
      timeoutMs,
      headers,
      failCode: 'PODMAP_ERR_CONTENT_FAILED',
      timeoutCode: 'PODMAP_ERR_CONTENT_TIMEOUT',
    });
    const header = response.headers['podlet-version'];
    version = typeof header === 'string' ? header : undefined;
    if (response.status < 200 || response.status > 299) {
      throw new PodmapError('PODMAP_ERR_CONTENT_FAILED', `${current.contentUrl} answered ${response.status}`);
    }
    return { html: response.text, version };
  } catch (error) {
    const podmapError = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_CONTENT_FAILED', String(error));
    return { html: current.fallbackHtml, error: podmapError, version };
  }
}
