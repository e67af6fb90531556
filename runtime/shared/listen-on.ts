import type { Server } from 'node:http';

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
