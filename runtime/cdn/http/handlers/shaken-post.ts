import { SHAKEN_REQUEST_LIMITS } from '../../../shared/cdn-protocol/shaken-builds.ts';
import { PodmapError } from '../../../shared/errors.ts';
import { validateShakenRequest } from '../../shaken/validate-shaken-request.ts';
import { sharedHeaders, type CdnContext, type CdnRequest, type CdnResponse } from './cdn-context.ts';

/**
 * `POST /-/shaken` (docs/shaken-builds.md): the state of the shaken build of every package
 * version in the body and of what they import, answered at once (never cached: states change as
 * builds finish); the builds it calls for are queued, not waited for. 400
 * PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID for a body that is not a request or is over the limits;
 * 404 when the CDN was started without shaken builds.
 */
export async function postShaken(ctx: CdnContext, request: CdnRequest): Promise<CdnResponse> {
  if (!ctx.shaken) throw new PodmapError('PODMAP_ERR_NOT_FOUND', 'this CDN makes no shaken builds');
  const text = await readBody(request);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID', 'the body is not JSON');
  }
  const answer = await ctx.shaken.answer(validateShakenRequest(parsed));
  return {
    status: 200,
    headers: { ...sharedHeaders, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(answer),
  };
}

async function readBody(request: CdnRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.body()) {
    size += (chunk as Buffer).length;
    if (size > SHAKEN_REQUEST_LIMITS.bodyBytes) {
      throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID', `the body is over ${SHAKEN_REQUEST_LIMITS.bodyBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
