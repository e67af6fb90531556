import type { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import type { TeamToken } from '../../tokens/team-token.ts';
import type { ShakenService } from '../../shaken/create-shaken-service.ts';
import type { CdnStore } from '../../store/cdn-store.ts';
import type { CachedReads } from '../../store/cache-index-reads.ts';

/** Server settings every handler may read; built once by createCdnServer. */
export interface CdnContext {
  /** The store, for publishing. */
  store: CdnStore;
  /** The same store for the GET handlers; on S3 its index reads are cached for a second (cacheIndexReads). */
  reader: CachedReads;
  aliasMaxAge: number;
  /** The tokens `PUT` accepts (loadPublishTokens); empty: publishing is off. */
  tokens: readonly TeamToken[];
  maxUploadBytes: number;
  uploadTimeoutMs: number;
  /** Shaken builds (docs/shaken-builds.md); null when the server makes none. */
  shaken: ShakenService | null;
}

/** What a handler returns; the adapter in create-cdn-server.ts writes it out. */
export interface CdnResponse {
  status: number;
  headers: Record<string, string>;
  /** A body held in memory… */
  body?: Buffer | string;
  /** …or a file to stream, with its length in `headers['content-length']`. */
  file?: string;
}

/** The parts of a request handlers look at. `body()` streams the upload and enforces its limits. */
export interface CdnRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: () => Readable;
}

/** Headers on every answer: CDN assets are public and may be measured from any origin. */
export const sharedHeaders: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'timing-allow-origin': '*',
  'x-content-type-options': 'nosniff',
};

/** Headers of every error answer: JSON, never cached. */
export const jsonErrorHeaders: Readonly<Record<string, string>> = {
  ...sharedHeaders,
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};
