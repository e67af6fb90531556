/**
 * The comparison for bench/layout.ts: a minimal `@podium/layout` page, as Podium's README builds
 * one, composing podmap's podlets (valid Podium podlets) on a plain node:http server. Podlets
 * come from BENCH_PODLETS (a JSON object, name → manifest URL, in page order); the port from
 * BENCH_PORT (0: a free one). Reports its URL over IPC like podmap's servers do. With
 * BENCH_COMPRESSION=1 the `compression` middleware (expressjs/compression, its defaults: brotli
 * quality 4 or gzip, for bodies of 1 KB and more) runs in front, as a Podium user would add it.
 */
import compression from 'compression';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Layout from '@podium/layout';
// HttpIncoming is @podium/layout's own dependency: what its middleware builds for every request.
import { HttpIncoming } from '@podium/utils';

const podlets = JSON.parse(process.env.BENCH_PODLETS ?? '{}') as Record<string, string>;
const layout = new Layout({ name: 'benchLayout', pathname: '/' });
const clients = Object.entries(podlets).map(([name, uri]) => ({ name, client: layout.client.register({ name, uri }) }));
// compression() is typed for Express; on node:http it only needs req, res and next.
const compress =
  process.env.BENCH_COMPRESSION === '1'
    ? (compression() as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void)
    : (_req: IncomingMessage, _res: ServerResponse, next: () => void) => next();

const server = createServer((req, res) => compress(req, res, () => servePage(req, res)));

function servePage(req: IncomingMessage, res: ServerResponse): void {
  void (async () => {
    if ((req.url ?? '/').split('?')[0] !== '/') {
      res.writeHead(404).end();
      return;
    }
    const incoming = new HttpIncoming(req, res);
    if (!(await layout.process(incoming))) return; // a proxy request, already answered
    // Podium fetches every podlet in parallel and waits for all of them before a byte is sent.
    const contents = await Promise.all(clients.map(({ client }) => client.fetch(incoming)));
    incoming.podlets = contents;
    incoming.view = { title: 'Podmap Travel' };
    const body = contents.map((c, i) => `<section class="podlet" data-podlet="${clients[i]!.name}">${c}</section>`).join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(layout.render(incoming, body));
  })().catch((error: Error) => {
    console.error('bench: podium layout:', error);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  process.send?.({ type: 'podmap:listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
