import { PodmapError } from '../../shared/errors.ts';
import { fetchText } from '../../shared/http/fetch-text.ts';
import type { PodletState } from './podlet-state.ts';
import { PAGE_STATE_HEADER, readPageState } from './read-page-state.ts';

/**
 * One content request to a podlet, with the page's headers and a time-out: its HTML, the
 * `podlet-version` it answered with and its page state (readPageState); on a time-out, an error
 * or a non-2xx status, the cached fallback with the reason (PODMAP_ERR_CONTENT_TIMEOUT or
 * PODMAP_ERR_CONTENT_FAILED), and the version if one was sent.
 */
export async function fetchPodletContent(
  current: PodletState,
  headers: Record<string, string>,
  timeoutMs: number,
  name: string,
): Promise<{ html: string; error?: PodmapError; version?: string; pageState?: string | null | PodmapError }> {
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
    return { html: response.text, version, pageState: readPageState(name, response.headers[PAGE_STATE_HEADER]) };
  } catch (error) {
    const podmapError = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_CONTENT_FAILED', String(error));
    return { html: current.fallbackHtml, error: podmapError, version };
  }
}
