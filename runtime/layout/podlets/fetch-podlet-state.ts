import { manifest as validateManifest } from '@podium/schemas';
import { PodmapError } from '../../shared/errors.ts';
import { fetchText } from '../../shared/http/fetch-text.ts';
import { validatePodmapDocument } from '../../shared/validate-podmap-document.ts';
import type { PodletState } from './podlet-state.ts';

/** The largest manifest the layout reads; a real one is a few KB, so more is a podlet gone wrong. */
export const MANIFEST_MAX_BYTES = 256 * 1024;

/**
 * Fetches a podlet's manifest (validated with Podium's schema, URLs made absolute and limited to
 * http(s)), its podmap.json beside it and its fallback. A podmap.json that is missing makes a
 * plain Podium podlet; one that is invalid is logged and treated the same. A fallback that cannot
 * be fetched (error, time-out, non-2xx: PODMAP_ERR_FALLBACK_FAILED, logged) keeps
 * `previousFallbackHtml`. A manifest over MANIFEST_MAX_BYTES throws PODMAP_ERR_MANIFEST_TOO_LARGE.
 */
export async function fetchPodletState(
  manifestUrl: string,
  options: { timeoutMs: number; previousFallbackHtml: string; log: (error: PodmapError) => void },
): Promise<PodletState> {
  const { timeoutMs, log } = options;
  const value = await fetchManifest(manifestUrl, timeoutMs);
  const at = (u: string) => httpUrl(u, manifestUrl);
  // The layout sends its request context to the content URL and puts what the fallback URL
  // answers into pages: both must be the podlet's own, never another host's (security).
  const own = (u: string) => {
    const url = at(u);
    if (new URL(url).origin !== new URL(manifestUrl).origin) {
      throw new PodmapError(
        'PODMAP_ERR_MANIFEST_INVALID',
        `${JSON.stringify(u)} is not on the podlet's origin ${new URL(manifestUrl).origin}`,
      );
    }
    return url;
  };
  const podmap = await fetchPodmapDocument(manifestUrl, timeoutMs, log);
  const next: PodletState = {
    version: String(value.version),
    contentUrl: own(String(value.content)),
    fallbackUrl: value.fallback ? own(String(value.fallback)) : null,
    js: ((value.js as PodletState['js']) ?? []).map((a) => ({ ...a, value: at(a.value) })),
    css: ((value.css as PodletState['css']) ?? []).map((a) => ({ ...a, value: at(a.value) })),
    podmap: podmap instanceof PodmapError ? null : podmap,
    fallbackHtml: options.previousFallbackHtml,
  };
  if (podmap instanceof PodmapError) next.podmapRefused = podmap;
  if (next.fallbackUrl) next.fallbackHtml = await fetchFallback(next.fallbackUrl, timeoutMs, options.previousFallbackHtml, log);
  return next;
}

/** The manifest at `manifestUrl`, validated with Podium's schema; throws PODMAP_ERR_MANIFEST_UNREACHABLE, _TOO_LARGE or _INVALID. */
async function fetchManifest(manifestUrl: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const response = await fetchText(manifestUrl, {
    timeoutMs,
    maxBytes: MANIFEST_MAX_BYTES,
    failCode: 'PODMAP_ERR_MANIFEST_UNREACHABLE',
    tooLargeCode: 'PODMAP_ERR_MANIFEST_TOO_LARGE',
  });
  if (response.status !== 200) throw new PodmapError('PODMAP_ERR_MANIFEST_UNREACHABLE', `${manifestUrl} answered ${response.status}`);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(response.text);
  } catch {
    throw new PodmapError('PODMAP_ERR_MANIFEST_INVALID', `${manifestUrl} is not JSON`);
  }
  const { value, error } = validateManifest(manifest as never) as { value: Record<string, unknown>; error?: unknown };
  if (error) throw new PodmapError('PODMAP_ERR_MANIFEST_INVALID', `${manifestUrl}: ${JSON.stringify(error).slice(0, 300)}`);
  return value;
}

/** The fallback's HTML; on an error, a time-out or a non-2xx status, `previous`, with the failure logged. */
async function fetchFallback(url: string, timeoutMs: number, previous: string, log: (error: PodmapError) => void): Promise<string> {
  try {
    const fallback = await fetchText(url, { timeoutMs, failCode: 'PODMAP_ERR_FALLBACK_FAILED' });
    if (fallback.status < 200 || fallback.status > 299)
      throw new PodmapError('PODMAP_ERR_FALLBACK_FAILED', `${url} answered ${fallback.status}`);
    return fallback.text;
  } catch (error) {
    log(error as PodmapError); // keep the fallback cached from before
    return previous;
  }
}

async function fetchPodmapDocument(
  manifestUrl: string,
  timeoutMs: number,
  log: (error: PodmapError) => void,
): Promise<PodletState['podmap'] | PodmapError> {
  const url = new URL('podmap.json', manifestUrl).href;
  try {
    const response = await fetchText(url, {
      timeoutMs,
      maxBytes: 1024 * 1024,
      failCode: 'PODMAP_ERR_PODMAP_INVALID',
      tooLargeCode: 'PODMAP_ERR_PODMAP_TOO_LARGE',
    });
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
    // Too large is a podlet that cannot run (its modules need entries it does not get); an
    // invalid document is read as a plain Podium podlet, as before.
    return error instanceof PodmapError && error.code === 'PODMAP_ERR_PODMAP_TOO_LARGE' ? error : null;
  }
}

/** Resolves a manifest URL field; only http(s) may reach a page or a fetch. */
export function httpUrl(value: string, base: string): string {
  const url = new URL(value, base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PodmapError('PODMAP_ERR_MANIFEST_INVALID', `${JSON.stringify(value)} is not an http(s) URL`);
  }
  return url.href;
}
