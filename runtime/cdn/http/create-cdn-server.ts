import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { PodmapError } from '../../shared/errors.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './handlers/cdn-context.ts';
import { jsonErrorHeaders } from './handlers/cdn-context.ts';
import { routeRequest } from './route-request.ts';
import { ensureStoreIndex, reindexStore } from '../store/update-store-index.ts';
import { staleStagingMs } from '../store/clean-stale-staging.ts';
import { openStore, type StoreLocation } from '../store/open-store.ts';
import { cacheIndexReads } from '../store/cache-index-reads.ts';
import type { CdnStore } from '../store/cdn-store.ts';
import { DEFAULT_ALIAS_MAX_AGE_SECONDS } from '../../shared/cdn-protocol/cdn-urls.ts';
import { loadPublishTokens } from '../tokens/load-publish-tokens.ts';
import { createShakenService, type ShakenOptions, type ShakenService } from '../shaken/create-shaken-service.ts';

/** The largest upload createCdnServer accepts unless `maxUploadBytes` says otherwise: far above any browser package. */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** The time an upload may take unless `uploadTimeoutMs` says otherwise, in ms. */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 30_000;

/** Settings of createCdnServer. */
export interface CdnOptions {
  /**
   * The store: a folder (see store-paths.ts; the demo uses `store/` in the project root), a
   * bucket as `s3://<bucket>/<prefix>` (openStore: endpoint and keys from the AWS variables), or
   * a CdnStore.
   */
  storeDir: StoreLocation;
  /** Bearer token for `PUT` of anything (scope `*`); defaults to $PODMAP_CDN_TOKEN. */
  publishToken?: string;
  /**
   * A tokens file: one token per team, each with its scope, stored as hashes (docs/cdn.md);
   * defaults to $PODMAP_CDN_TOKENS_FILE. With `publishToken` too, both are accepted; with
   * neither, publishing over HTTP is off. A malformed file throws PODMAP_ERR_CDN_TOKENS_FILE.
   */
  tokensFile?: string;
  /** Seconds that alias redirects, version lists and package maps may be cached; default DEFAULT_ALIAS_MAX_AGE_SECONDS. */
  aliasMaxAge?: number;
  /** Largest accepted upload in bytes; default DEFAULT_MAX_UPLOAD_BYTES. */
  maxUploadBytes?: number;
  /** Time an upload may take in milliseconds; default DEFAULT_UPLOAD_TIMEOUT_MS. */
  uploadTimeoutMs?: number;
  /**
   * Shaken builds (docs/shaken-builds.md): their time-out, queue and variants per version, or a
   * service made with createShakenService over the same store (to wait for its builds); false
   * turns `POST /-/shaken` off (404). Default DEFAULT_SHAKEN_OPTIONS.
   */
  shaken?: ShakenOptions | ShakenService | false;
  /**
   * Age in milliseconds after which what a crashed publish left in `.staging/` is removed at
   * start-up (on S3, a claimed upload is completed instead); default staleStagingMs.
   */
  staleStagingMs?: number;
}

/**
 * Creates the asset CDN's HTTP server (not yet listening) over a store; the URL scheme is in
 * docs/cdn.md. Every error answers as JSON `{ error: { code, message } }` with the status of
 * its code in runtime/shared/errors.ts. Before its first answer it indexes a store that was
 * published before the store index existed (ensureStoreIndex); requests wait for that. At
 * creation it removes, in the background, what crashed publishes left in `.staging/`
 * (CdnStore.cleanStaging: only entries unchanged for `staleStagingMs`, so a publisher running now
 * in another process keeps its upload; on S3 a claimed upload is completed, then the store
 * reindexed); requests do not wait for that. Throws, before anything
 * else, a TypeError with PODMAP_ERR_CDN_TOKENS_FILE when the tokens file is malformed.
 */
export function createCdnServer(options: CdnOptions): Server {
  const store = openStore(options.storeDir);
  const ctx: CdnContext = {
    store,
    // One S3 read per alias or versions list measured ~400 req/s (bench/results/cdn-s3.md); a folder needs no cache.
    reader: cacheIndexReads(store, store.driver === 's3' ? 1000 : 0),
    aliasMaxAge: options.aliasMaxAge ?? DEFAULT_ALIAS_MAX_AGE_SECONDS,
    tokens: loadPublishTokens({
      publishToken: options.publishToken ?? (process.env.PODMAP_CDN_TOKEN || undefined),
      tokensFile: options.tokensFile ?? (process.env.PODMAP_CDN_TOKENS_FILE || undefined),
    }),
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    uploadTimeoutMs: options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS,
    shaken: shakenServiceOf(options, store),
  };
  ctx.store
    .cleanStaging(options.staleStagingMs ?? staleStagingMs)
    // On S3 a clean-up that found leftovers may have completed a version whose publisher died.
    .then((handled) => (handled.length > 0 && ctx.store.driver === 's3' ? reindexStore(ctx.store) : undefined))
    .catch((error: unknown) => console.error('podmap: could not clean the CDN store staging folder', error));
  let indexed: Promise<void> | undefined;
  return createServer((req, res) => {
    // A store the server cannot write (read-only mount) is still served: the handlers compute
    // what the index lacks.
    indexed ??= ensureStoreIndex(ctx.store).catch((error: unknown) => console.error('podmap: could not index the CDN store', error));
    indexed.then(() => handle(ctx, req, res)).catch((error: unknown) => res.destroy(error as Error));
  });
}

/** The shaken-build service over the server's store, on any driver, or null when the option turns it off. */
function shakenServiceOf(options: CdnOptions, store: CdnStore): ShakenService | null {
  if (options.shaken === false) return null;
  if (options.shaken && 'answer' in options.shaken) return options.shaken;
  return createShakenService(store, options.shaken);
}

async function handle(ctx: CdnContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request: CdnRequest = {
    method: req.method ?? 'GET',
    headers: req.headers,
    body: () => requestBody(req, ctx),
  };
  let response: CdnResponse;
  try {
    response = await routeRequest(ctx, request, req.url ?? '/');
  } catch (error) {
    response = errorResponse(error);
    // An unread request body would otherwise be parsed as the next request on this connection.
    if (!req.complete) response.headers.connection = 'close';
  }
  res.writeHead(response.status, response.headers);
  if (req.method === 'HEAD' || response.status === 304) {
    res.end();
  } else if (response.file) {
    const stream = createReadStream(response.file);
    stream.on('error', (error) => res.destroy(error));
    stream.pipe(res);
  } else {
    res.end(response.body);
  }
}

function errorResponse(error: unknown): CdnResponse {
  const known = error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_CDN_STORE_FAILED', undefined, { cause: error });
  if (!(error instanceof PodmapError)) console.error('podmap: CDN request failed', error);
  return {
    status: known.status,
    headers: { ...jsonErrorHeaders },
    body: JSON.stringify(known.toJSON()),
  };
}

/**
 * The request body as a stream, so an upload is unpacked while it arrives and never held whole:
 * it fails with PODMAP_ERR_CDN_UPLOAD_TOO_LARGE (413) past `maxUploadBytes` (at once when
 * Content-Length says so) and PODMAP_ERR_CDN_UPLOAD_TIMEOUT (408) past `uploadTimeoutMs`. After a
 * failure the rest of the upload is drained and dropped, so the answer reaches the client.
 */
function requestBody(req: IncomingMessage, ctx: CdnContext): Readable {
  let size = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > ctx.maxUploadBytes) callback(new PodmapError('PODMAP_ERR_CDN_UPLOAD_TOO_LARGE'));
      else callback(null, chunk);
    },
  });
  const timer = setTimeout(() => body.destroy(new PodmapError('PODMAP_ERR_CDN_UPLOAD_TIMEOUT')), ctx.uploadTimeoutMs);
  body.on('close', () => {
    clearTimeout(timer);
    req.unpipe(body);
    req.resume();
  });
  req.on('error', (error) => body.destroy(new PodmapError('PODMAP_ERR_CDN_UPLOAD_TIMEOUT', error.message)));
  if (Number(req.headers['content-length'] ?? 0) > ctx.maxUploadBytes) {
    process.nextTick(() => body.destroy(new PodmapError('PODMAP_ERR_CDN_UPLOAD_TOO_LARGE')));
  } else {
    req.pipe(body);
  }
  return body;
}
