import type { ServerResponse } from 'node:http';
import { PodmapError } from './errors.ts';

/** Sends a JSON body with the given status and headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/**
 * Sends any thrown value as podmap's JSON error body. A PodmapError keeps its status and code;
 * anything else is an internal error whose details stay in the server log, not in the response.
 */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  if (error instanceof PodmapError) {
    sendJson(res, error.status, error.toJSON(), { 'cache-control': 'no-store' });
    return;
  }
  console.error('podmap: internal error', error);
  const internal = new PodmapError('PODMAP_ERR_INTERNAL');
  sendJson(res, internal.status, internal.toJSON(), { 'cache-control': 'no-store' });
}
