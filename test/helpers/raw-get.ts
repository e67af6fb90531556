import { request, type IncomingHttpHeaders } from 'node:http';

/**
 * GETs a path exactly as written (fetch() and URL would normalise "..", which a hostile client need
 * not do), on a connection of its own: a test that holds the event loop longer than the server's
 * keep-alive time-out (a synchronous property test on a loaded machine) would otherwise have its
 * next request sent on a pooled socket the server closed meanwhile, and reset (ECONNRESET).
 */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
