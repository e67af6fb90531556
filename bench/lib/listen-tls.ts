import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, type Http2Session } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { BenchCertificate } from './tls-cert.ts';

/** A node:http style request handler; podmap's layouts, podlets and CDN all have one. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server listening on loopback, with its base URL ("https://127.0.0.1:port/"). */
export interface TlsListener {
  url: string;
  /** Stops listening and drops every open connection and HTTP/2 session. */
  close(): Promise<void>;
}

/**
 * Serves `handler` over TLS on a free loopback port. 'h2' is HTTP/2 with HTTP/1.1 allowed (the
 * compat 'request' event, so node:http handlers work unchanged); 'http/1.1' offers no h2 in
 * ALPN, so a browser has to use up to six HTTP/1.1 connections per origin.
 */
export async function listenTls(handler: RequestHandler, tls: BenchCertificate, protocol: 'h2' | 'http/1.1'): Promise<TlsListener> {
  const open = new Set<Socket | Http2Session>();
  const server =
    protocol === 'h2'
      ? createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, handler as never)
      : createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  server.on('session', (session: Http2Session) => {
    open.add(session);
    session.once('close', () => open.delete(session));
  });
  server.on('secureConnection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of open) s.destroy();
      }),
  };
}
