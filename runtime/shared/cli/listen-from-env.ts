import type { Server } from 'node:http';
import { createConfigError } from '../errors.ts';

/**
 * Starts a podmap server as a process of its own: listens on the port in `envVar` (or
 * `defaultPort`; 0 picks a free one), says where on stdout and, when started by the demo
 * launcher, over IPC; and closes cleanly on SIGTERM or SIGINT.
 *
 * A command-line helper, not library API: it installs signal handlers and ends the process.
 */
export async function listenFromEnv(
  target: { listen(port: number, host?: string): Promise<Server> },
  options: { name: string; envVar: string; defaultPort: number; host?: string },
): Promise<Server> {
  const raw = process.env[options.envVar];
  const port = raw === undefined || raw === '' ? options.defaultPort : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw createConfigError('PODMAP_ERR_CONFIG_PORT', `${options.envVar}=${JSON.stringify(raw)}`, RangeError);
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
