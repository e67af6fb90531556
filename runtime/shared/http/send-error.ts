import type { ServerResponse } from 'node:http';
import { PodmapError } from '../errors.ts';
import { sendJson } from './send-json.ts';

/**
 * Sends any thrown value as podmap's JSON error body. A PodmapError keeps its status and code;
 * anything else is an internal error whose details stay in the server log, not in the response.
 * Once headers are out, the only honest signal left is a broken connection.
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
