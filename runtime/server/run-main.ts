import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === path.resolve(process.argv[1]);
}

/**
 * Starts a podmap server as a process of its own: listens on the port in `envVar` (or
 * `defaultPort`; 0 picks a free one), says where on stdout and, when started by the demo
 * launcher, over IPC; and closes cleanly on SIGTERM or SIGINT.
 */
export async function listenFromEnv(
  target: { listen(port: number, host?: string): Promise<Server> },
  options: { name: string; envVar: string; defaultPort: number; host?: string },
): Promise<Server> {
  const raw = process.env[options.envVar];
  const port = raw === undefined || raw === '' ? options.defaultPort : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`podmap: ${options.envVar}=${JSON.stringify(raw)} is not a port number (0–65535)`);
  }
  const host = options.host ?? process.env.PODMAP_HOST ?? '127.0.0.1';
  const server = await target.listen(port, host);
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}/`;
  console.log(`podmap: ${options.name} listening on ${url.replace('127.0.0.1', 'localhost')}`);
  process.send?.({ type: 'podmap:listening', name: options.name, url, port: actual });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

/** Starts `server` on `port` and `host`, resolving once it listens and rejecting if it cannot (port in use). */
export function listenOn(server: Server, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
