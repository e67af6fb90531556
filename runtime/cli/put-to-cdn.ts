import { PodmapError } from '../shared/errors.ts';

/** How long one upload may take, from the first byte sent to the CDN's answer. */
export const PUBLISH_TIMEOUT_MS = 120_000;

/** Where a command publishes, and with which token. */
export interface PublishTarget {
  cdn: string;
  token: string;
}

/** Where and with what a command publishes: --cdn or PODMAP_CDN_URL, and PODMAP_CDN_TOKEN. */
export function publishTarget(cdnOption: string | undefined, env: Record<string, string | undefined>): PublishTarget {
  const cdn = cdnOption ?? env.PODMAP_CDN_URL;
  const token = env.PODMAP_CDN_TOKEN;
  if (!cdn || !token) throw new PodmapError('PODMAP_ERR_PUBLISH_NO_CDN', !cdn ? 'no --cdn URL' : 'PODMAP_CDN_TOKEN is not set');
  try {
    return { cdn: new URL(cdn.endsWith('/') ? cdn : `${cdn}/`).href, token };
  } catch {
    throw new PodmapError('PODMAP_ERR_PUBLISH_NO_CDN', `--cdn ${JSON.stringify(cdn)} is not a URL`);
  }
}

/**
 * `PUT <cdn><path>` with a gzip tarball. Resolves with the CDN's JSON answer on 201; otherwise
 * throws an error carrying the CDN's own code and message (PODMAP_ERR_CDN_FORBIDDEN,
 * PODMAP_ERR_CDN_VERSION_EXISTS, …), or PODMAP_ERR_PUBLISH_UNREACHABLE when there is no answer.
 */
export async function putToCdn(target: PublishTarget, urlPath: string, tarball: Buffer): Promise<Record<string, unknown>> {
  const url = new URL(urlPath, target.cdn);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(tarball),
      signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_UNREACHABLE', `${url.origin}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const text = await response.text();
  let body: { error?: { code?: string; message?: string } } & Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not podmap's JSON (a proxy's error page): the status says enough.
  }
  if (response.status === 201) return body;
  const failure = new Error(body.error?.message ?? `${url.href} answered ${response.status}: ${text.slice(0, 200)}`) as Error & {
    code?: string;
  };
  failure.code = body.error?.code ?? 'PODMAP_ERR_PUBLISH_UNREACHABLE';
  throw failure;
}
