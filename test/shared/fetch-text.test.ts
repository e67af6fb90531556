import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { fetchText } from '../../runtime/shared/http/fetch-text.ts';
import { PodmapError } from '../../runtime/shared/errors.ts';
import { listen } from '../helpers/listen.ts';

// A server's keep-alive time-out can close an idle connection at the instant a client writes its
// next request to it: the request is reset though the server never answered it. Under load this
// reset every podlet of a page at once (each got its fallback) after the layout had been idle
// for the podlets' 5 s keep-alive time-out.

test('fetchText() - a kept-alive connection reset as the next request arrives - sends it again on a new connection and returns the answer', async (t) => {
  const requestsOn = new Map<Socket, number>();
  const url = await listen(t, (req, res) => {
    const n = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, n);
    // The second request on a connection meets the connection's close, as at a keep-alive time-out.
    if (n === 2) return void req.socket.destroy();
    res.end(`answer ${requestsOn.size}`);
  });
  const options = { timeoutMs: 5000, failCode: 'PODMAP_ERR_CONTENT_FAILED' } as const;
  assert.equal((await fetchText(url, options)).text, 'answer 1');
  assert.equal((await fetchText(url, options)).text, 'answer 2');
  assert.deepEqual([...requestsOn.values()], [2, 1], 'the reset request was sent on the kept-alive connection, then on a new one');
});

test('fetchText() - a new connection reset before any answer - fails at once with the given code, sending nothing again', async (t) => {
  let requests = 0;
  const url = await listen(t, (req) => {
    requests += 1;
    req.socket.destroy();
  });
  await assert.rejects(
    fetchText(`${url}fresh`, { timeoutMs: 5000, failCode: 'PODMAP_ERR_CONTENT_FAILED', headers: { connection: 'close' } }),
    (error) => error instanceof PodmapError && error.code === 'PODMAP_ERR_CONTENT_FAILED',
  );
  assert.equal(requests, 1);
});
