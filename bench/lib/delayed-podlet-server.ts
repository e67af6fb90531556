/**
 * One of the demo's podlets (BENCH_PODLET) whose content answers BENCH_DELAY_MS late; its
 * manifest, podmap.json, fallback and modules answer at once, so only the fragment is slow.
 * Reports its URL over IPC like podmap's servers do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const name = process.env.BENCH_PODLET ?? 'image';
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 300);
const { podlet } = (await import(`../../podlets/${name}/server.ts`)) as {
  podlet: { handle(req: IncomingMessage, res: ServerResponse): void };
};

const server = createServer((req, res) => {
  if ((req.url ?? '/').split('?')[0] === '/') setTimeout(() => podlet.handle(req, res), delayMs);
  else podlet.handle(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'podmap:listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
