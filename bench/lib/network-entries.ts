import type { CDPSession, Protocol } from 'puppeteer-core';

/** One request, as CDP reported it on a page's or a service worker's session. */
export interface NetworkEntry {
  url: string;
  /** CDP resource type: Document, Script (module scripts and modulepreloads), … */
  type: string;
  /** The URL of the script or document that started it (its initiator), if CDP named one. */
  parent: string | null;
  /** Not from the network: the HTTP or memory cache, or (for the page) answered by a service worker. */
  cached: boolean;
  /** The page's request was answered by a service worker. */
  fromWorker: boolean;
  /** Made by a service worker (its own fetch), not by the page. */
  byWorker: boolean;
  status: number;
  mimeType: string;
  contentEncoding: string;
  /** CDP encodedDataLength at loadingFinished: bytes received, headers included. */
  bytes: number;
  /**
   * The (compressed) body alone: its Content-Length when the response has one; else
   * encodedDataLength minus what had arrived with the headers (responseReceived), else the sum of
   * dataReceived (which Chromium reports as 0 over HTTP/2). A streamed document's is set by its page.
   */
  bodyBytes: number;
  /** The response's Content-Length, if it had one. */
  contentLength: number | null;
  /** The body as the page got it, decoded (the sum of dataReceived's dataLength). */
  decodedBytes: number;
  done: boolean;
  protocol?: string;
}

/** Requests seen elsewhere (a service worker's target) that a page load counts with its own. */
export interface NetworkSource {
  /** Forgets what was seen so far: called as each load starts. */
  reset(): void;
  entries(): NetworkEntry[];
}

/**
 * Records a CDP session's requests into the map `into()` returns at each event (keys are prefixed
 * with the session id, so several sessions may share a map). Network must be enabled by the caller.
 */
export function trackNetwork(cdp: CDPSession, into: () => Map<string, NetworkEntry>, byWorker: boolean): void {
  const key = (requestId: string) => `${cdp.id()}:${requestId}`;
  const entry = (requestId: string) => into().get(key(requestId));
  // Bytes that arrived with the headers and in data chunks, per request: what bodyBytes falls back on.
  const headerBytes = new Map<string, number>();
  const dataBytes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (/^https?:/.test(e.request.url)) into().set(key(e.requestId), newEntry(e.request.url, e.type, e.initiator as Initiator, byWorker));
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const found = entry(e.requestId);
    if (found) found.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const found = entry(e.requestId);
    if (found) noteResponse(found, e.response);
    headerBytes.set(e.requestId, e.response.encodedDataLength);
  });
  cdp.on('Network.dataReceived', (e) => {
    dataBytes.set(e.requestId, (dataBytes.get(e.requestId) ?? 0) + e.encodedDataLength);
    const found = entry(e.requestId);
    if (found) found.decodedBytes += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const found = entry(e.requestId);
    if (!found) return;
    const head = headerBytes.get(e.requestId) ?? 0;
    const afterHeaders = e.encodedDataLength - head;
    found.bodyBytes = found.contentLength ?? (head > 0 && afterHeaders > 0 ? afterHeaders : (dataBytes.get(e.requestId) ?? 0));
    found.bytes = e.encodedDataLength;
    found.done = true;
  });
  cdp.on('Network.loadingFailed', (e) => {
    const found = entry(e.requestId);
    if (found) found.done = true;
  });
}

function newEntry(url: string, type: string | undefined, initiator: Initiator, byWorker: boolean): NetworkEntry {
  return {
    url,
    type: type ?? 'Other',
    parent: parentOf(initiator),
    cached: false,
    fromWorker: false,
    byWorker,
    status: 0,
    mimeType: '',
    contentEncoding: '',
    bytes: 0,
    bodyBytes: 0,
    contentLength: null,
    decodedBytes: 0,
    done: false,
  };
}

/** What a response's headers say about it: cache or worker, status, type, encoding and length. */
function noteResponse(entry: NetworkEntry, r: Protocol.Network.Response): void {
  if (r.fromDiskCache || r.fromPrefetchCache || r.fromServiceWorker) entry.cached = true;
  if (r.fromServiceWorker) entry.fromWorker = true;
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  entry.status = r.status;
  entry.mimeType = r.mimeType;
  entry.protocol = r.protocol;
  entry.contentEncoding = headers['content-encoding'] ?? '';
  entry.contentLength = headers['content-length'] === undefined ? null : Number(headers['content-length']);
}

interface Initiator {
  type: string;
  url?: string;
  stack?: { callFrames: Array<{ url: string }>; parent?: Initiator['stack'] };
}

function parentOf(initiator: Initiator): string | null {
  if (initiator.url) return initiator.url;
  for (let stack = initiator.stack; stack; stack = stack.parent) {
    const frame = stack.callFrames.find((f) => f.url);
    if (frame) return frame.url;
  }
  return null;
}
