import { PodmapError, type ErrorCode } from './errors.ts';

export interface FetchedText {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * GETs `url` and reads the body as text within `timeoutMs` for the whole exchange, not just
 * the headers, and refuses bodies over `maxBytes` so one podlet cannot exhaust the layout's
 * memory. Network failures and time-outs become PodmapErrors with the given codes.
 */
export async function fetchText(
  url: string,
  options: { timeoutMs: number; maxBytes?: number; headers?: Record<string, string>; failCode: ErrorCode; timeoutCode?: ErrorCode },
): Promise<FetchedText> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, { signal, headers: options.headers, redirect: 'manual' });
    const text = await readLimited(response, options.maxBytes ?? 5 * 1024 * 1024);
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (error instanceof PodmapError) throw error;
    const timedOut = signal.aborted;
    throw new PodmapError(
      timedOut ? (options.timeoutCode ?? options.failCode) : options.failCode,
      `${url}: ${timedOut ? `no answer within ${options.timeoutMs} ms` : (error as Error).message}`,
      { cause: error },
    );
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`body larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
