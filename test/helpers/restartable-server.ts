import type { Server } from 'node:http';
import { listenOn } from '../../runtime/shared/listen-on.ts';

/** A server on loopback that can be stopped and started again on the same port. */
export interface RestartableServer {
  /** 0 until the first start(). */
  readonly port: number;
  /** Listens (again), with a new server from `make`; does nothing while listening. */
  start(): Promise<void>;
  /** closeAllConnections() and close(): in-flight responses are cut, as a crash would cut them. */
  stop(): Promise<void>;
}

/** Makes a server with `make` at each start(): first on a free port, after that on the same one. */
export function restartableServer(make: () => Server): RestartableServer {
  let server: Server | undefined;
  let port = 0;
  return {
    get port() {
      return port;
    },
    async start() {
      if (server?.listening) return;
      server = await listenOn(make(), port);
      port = (server.address() as { port: number }).port;
    },
    async stop() {
      const s = server;
      if (!s?.listening) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
