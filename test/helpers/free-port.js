// A free loopback port, in plain JavaScript so that engines.js (read by the @web/test-runner
// config), the TypeScript tests and the benchmarks share one copy.
import { createServer } from 'node:net';

/** A free port on 127.0.0.1, found by binding port 0 and releasing it. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
