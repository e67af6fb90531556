import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { PodmapError, type ErrorCode } from '../errors.ts';

export interface FetchedText {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

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
 * memory. Redirects are not followed. Network failures, time-outs and bodies that are too large
 * become PodmapErrors with the given codes (`timeoutCode` and `tooLargeCode` default to `failCode`).
 */
export function fetchText(
  url: string,
  options: {
    timeoutMs: number;
    maxBytes?: number;
    headers?: Record<string, string>;
    failCode: ErrorCode;
    timeoutCode?: ErrorCode;
    tooLargeCode?: ErrorCode;
  },
): Promise<FetchedText> {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new PodmapError(options.failCode, `${url}: not a URL`));
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new PodmapError(options.failCode, `${url}: only http and https are fetched`));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (code: ErrorCode, detail: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new PodmapError(code, `${url}: ${detail}`, { cause }));
    };
    const req = send(target, { agent: agents[target.protocol], headers: { 'accept-encoding': 'identity', ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail(options.tooLargeCode ?? options.failCode, `body larger than ${maxBytes} bytes`);
        else chunks.push(chunk);
      });
      res.on('error', (error) => fail(options.failCode, error.message, error));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(
      () => fail(options.timeoutCode ?? options.failCode, `no answer within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    req.on('error', (error) => fail(options.failCode, error.message, error));
    req.end();
  });
}
