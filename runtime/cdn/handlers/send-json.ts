import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { sharedHeaders, type CdnResponse } from './cdn-handler.ts';

/**
 * A JSON answer with a strong ETag over its bytes, or 304 when `If-None-Match` already names
 * it. Used by the metadata, versions and map endpoints.
 */
export function sendJson(value: unknown, cacheControl: string, requestHeaders: IncomingHttpHeaders): CdnResponse {
  const body = JSON.stringify(value);
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  const headers = { ...sharedHeaders, 'cache-control': cacheControl, etag, 'content-type': 'application/json; charset=utf-8' };
  if (ifNoneMatchHits(requestHeaders['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body };
}

/** Whether an `If-None-Match` header matches `etag` (weak comparison, RFC 9110 §13.1.2). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
