import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ifNoneMatchHits } from '../../../shared/http/if-none-match-hits.ts';
import { sharedHeaders, type CdnResponse } from './cdn-context.ts';

/**
 * A JSON answer of the serialised `body` (as the store index holds it, so that podmap's server
 * and nginx send the same bytes) with a strong ETag over it, or 304 when `If-None-Match` already
 * names it. Used by the metadata, versions and map endpoints.
 */
export function jsonResponse(body: string, cacheControl: string, requestHeaders: IncomingHttpHeaders): CdnResponse {
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  const headers = { ...sharedHeaders, 'cache-control': cacheControl, etag, 'content-type': 'application/json; charset=utf-8' };
  if (ifNoneMatchHits(requestHeaders['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body };
}
