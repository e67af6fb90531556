/**
 * One of the demo's podlets (BENCH_PODLET) in this process, in the render mode the podlet reads
 * from the environment (PODMAP_DEMO_RENDER=client: 'client'; otherwise the demo's own), for
 * bench:ssr. Each content request (`/`) that ran alone, no other content request in flight from its
 * start to its response's end, records the process's CPU time meanwhile (process.cpuUsage(): user +
 * system, every thread) in µs: with one connection, that is the CPU one render costs.
 * `GET /__bench/cpu` answers `{ samples, overlapped }` gathered since the last call and forgets them.
 * Reports its URL over IPC like podmap's servers do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const name = process.env.BENCH_PODLET ?? 'header';
const { podlet } = (await import(`../../podlets/${name}/server.ts`)) as {
  podlet: { handle(req: IncomingMessage, res: ServerResponse): void };
};

let samples: number[] = [];
let overlapped = 0;
// Content requests in flight, each with whether another ran beside it at some point.
const inFlight = new Set<{ shared: boolean }>();

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/__bench/cpu') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ samples, overlapped }));
    [samples, overlapped] = [[], 0];
    return;
  }
  if (path !== '/') return podlet.handle(req, res);
  const request = { shared: inFlight.size > 0 };
  for (const other of inFlight) other.shared = true;
  inFlight.add(request);
  const started = process.cpuUsage();
  res.once('close', () => {
    inFlight.delete(request);
    const used = process.cpuUsage(started);
    if (request.shared) overlapped++;
    else samples.push(used.user + used.system);
  });
  podlet.handle(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'podmap:listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
