import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { PodmapError, type ErrorCode } from '../errors.ts';

export interface FetchedText {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface FetchTextOptions {
  timeoutMs: number;
  /** Default: DEFAULT_FETCH_MAX_BYTES. */
  maxBytes?: number;
  headers?: Record<string, string>;
  /** A JSON body: the request is then a POST (still sent again on a stale connection: callers only POST idempotent requests). */
  jsonBody?: string;
  failCode: ErrorCode;
  timeoutCode?: ErrorCode;
  tooLargeCode?: ErrorCode;
}

/** The largest body fetchText() reads when the caller names no limit: 5 MiB. */
export const DEFAULT_FETCH_MAX_BYTES = 5 * 1024 * 1024;

/**
 * How many times a GET is sent again after a kept-alive connection was reset under it. A server
 * closes an idle connection after its keep-alive time-out (Node's: 5 s); a request written to it
 * in that instant is reset (ECONNRESET) though the server never saw it. Node's documentation
 * prescribes this retry for idempotent requests. Each retry drops one stale connection, so a few
 * suffice; the time-out still bounds the whole exchange.
 */
const STALE_CONNECTION_RETRIES = 3;

// Keep-alive agents: a layout asks the same few podlets for every page, and a new TCP
// connection per podlet per page costs more than composing the page. node:http rather than
// fetch(): under load, undici's fetch (web streams, a Request and Response per call) was the
// layout's largest cost after the podlets themselves.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
};

/**
 * GETs `url` and reads the body as text within `timeoutMs` for the whole exchange, not just
 * the headers, and refuses bodies over `maxBytes` so one podlet cannot exhaust the layout's
 * memory. Redirects are not followed. A request reset on a reused keep-alive connection before
 * any answer is sent again (STALE_CONNECTION_RETRIES). Network failures, time-outs and bodies
 * that are too large become PodmapErrors with the given codes (`timeoutCode` and `tooLargeCode`
 * default to `failCode`).
 */
export function fetchText(url: string, options: FetchTextOptions): Promise<FetchedText> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new PodmapError(options.failCode, `${url}: not a URL`));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return reject(new PodmapError(options.failCode, `${url}: only http and https are fetched`));
    }
    let settled = false;
    let req: ClientRequest | undefined;
    const fail = (code: ErrorCode, detail: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      reject(new PodmapError(code, `${url}: ${detail}`, { cause }));
    };
    const done = (result: FetchedText) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(
      () => fail(options.timeoutCode ?? options.failCode, `no answer within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    const attempt = (retriesLeft: number) => {
      if (settled) return;
      const sent = sendGet(target, options, fail, done);
      req = sent.req;
      sent.req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = sent.req.reusedSocket && !sent.answered() && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (stale && retriesLeft > 0) attempt(retriesLeft - 1);
        else fail(options.failCode, error.message, error);
      });
    };
    attempt(STALE_CONNECTION_RETRIES);
  });
}

/** Sends one GET (or POST of `jsonBody`) through the keep-alive agent and reads its answer, bounded by `maxBytes`. */
function sendGet(
  target: URL,
  options: FetchTextOptions,
  fail: (code: ErrorCode, detail: string, cause?: unknown) => void,
  done: (result: FetchedText) => void,
): { req: ClientRequest; answered(): boolean } {
  let answered = false;
  const maxBytes = options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = agents[target.protocol as keyof typeof agents];
  const post = options.jsonBody !== undefined;
  const headers = { 'accept-encoding': 'identity', ...(post ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const req = send(target, { agent, method: post ? 'POST' : 'GET', headers }, (res) => {
    answered = true;
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(options.tooLargeCode ?? options.failCode, `body larger than ${maxBytes} bytes`);
      else chunks.push(chunk);
    });
    res.on('error', (error) => fail(options.failCode, error.message, error));
    res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
  });
  req.end(options.jsonBody);
  return { req, answered: () => answered };
}
