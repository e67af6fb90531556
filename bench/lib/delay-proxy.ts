import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * One direction of an emulated link, shared by every connection through the proxies that use it
 * (as CDP's emulation is shared by a page's connections): a chunk waits until the link is free,
 * takes bytes / rate to go through, then arrives `oneWayMs` later. Order is kept per link.
 */
export class LinkDirection {
  #free = 0;
  constructor(
    readonly oneWayMs: number,
    readonly bytesPerSecond: number,
  ) {}
  /** When a chunk of `bytes` handed over now arrives at the other end (performance.now() ms). */
  arrival(bytes: number): number {
    const start = Math.max(performance.now(), this.#free);
    this.#free = start + (bytes / this.bytesPerSecond) * 1000;
    return this.#free + this.oneWayMs;
  }
}

/** Both directions of a link: `latencyMs` round trip (half each way), `mbps` each way. */
export function emulatedLink(latencyMs: number, mbps: number): { up: LinkDirection; down: LinkDirection } {
  const rate = (mbps * 1000 * 1000) / 8;
  return { up: new LinkDirection(latencyMs / 2, rate), down: new LinkDirection(latencyMs / 2, rate) };
}

/** Delivers `from`'s bytes to `to` at the times `link` says, in order; ends `to` after the last. */
function pipeDelayed(from: Socket, to: Socket, link: LinkDirection): void {
  const queue: Array<{ at: number; chunk: Buffer | null }> = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now + 0.5) {
      const { chunk } = queue.shift()!;
      if (chunk === null) to.end();
      else if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0]!.at - performance.now()));
  };
  const push = (chunk: Buffer | null) => {
    queue.push({
      at: chunk === null ? Math.max(performance.now() + link.oneWayMs, queue.at(-1)?.at ?? 0) : link.arrival(chunk.length),
      chunk,
    });
    if (timer === undefined) timer = setTimeout(drain, Math.max(0, queue[0]!.at - performance.now()));
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
}

/**
 * A TCP proxy on a free loopback port in front of `targetPort` that delays every chunk by the
 * link's latency and paces it to its rate: latency for a browser that cannot emulate it
 * (Firefox through WebDriver BiDi can only go offline). TLS and ALPN pass through untouched, so
 * the browser still speaks HTTP/2 to the server behind it. Each TCP chunk is delayed, so a TCP
 * or TLS handshake costs the round trips it costs on a real link (CDP's emulation adds its
 * latency per request instead, not per round trip).
 */
export async function delayProxy(
  targetPort: number,
  link: { up: LinkDirection; down: LinkDirection },
): Promise<{ port: number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      open.add(s);
      s.once('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipeDelayed(client, upstream, link.up);
    pipeDelayed(upstream, client, link.down);
    client.once('close', () => setTimeout(() => upstream.destroy(), 1000 + link.down.oneWayMs * 2));
    upstream.once('close', () => setTimeout(() => client.destroy(), 1000 + link.down.oneWayMs * 2));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bench: the delay proxy has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of open) s.destroy();
      }),
  };
}
