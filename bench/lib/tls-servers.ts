import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenTls, type RequestHandler } from './listen-tls.ts';
import { generateCertificate, type BenchCertificate } from './tls-cert.ts';

/** What a browser benchmark serves from: a work folder, a fresh certificate and the servers made with it. */
export interface TlsServers {
  /** A temp folder for the run (the certificate is in it); removed by close(). */
  work: string;
  tls: BenchCertificate;
  /** Serves `handler` on a free loopback port over TLS (h2, or HTTP/1.1 only); returns its base URL. */
  listen(handler: RequestHandler, protocol?: 'h2' | 'http/1.1'): Promise<string>;
  /** Also closes these with the servers (delaying proxies in front of them). */
  track(closable: { close(): Promise<void> }): void;
  /** Closes every server and tracked closable, and removes the work folder. */
  close(): Promise<void>;
}

/**
 * The servers of a browser benchmark over TLS on 127.0.0.1, with a certificate made a moment ago
 * (Chromium is told its SPKI pin). The layouts in this process fetch from the same servers, so
 * certificate checks are turned off for this process's own requests (loopback only; Node 20
 * cannot add a CA to fetch() after start-up).
 */
export async function startTlsServers(prefix: string): Promise<TlsServers> {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const work = await mkdtemp(join(tmpdir(), prefix));
  const closables: Array<{ close(): Promise<void> }> = [];
  try {
    const tls = await generateCertificate(work);
    return {
      work,
      tls,
      async listen(handler, protocol = 'h2') {
        const listener = await listenTls(handler, tls, protocol);
        closables.push(listener);
        return listener.url;
      },
      track: (closable) => void closables.push(closable),
      async close() {
        await Promise.all(closables.map((c) => c.close()));
        await rm(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
