import type { PackageKind } from '../../shared/cdn-protocol/types.ts';

/** An object as a store holds it: its bytes and an ETag that changes whenever they do. */
export interface StoredObject {
  body: Buffer;
  etag: string;
}

/** One entry of a listing: its key, when it was last written (ms since the epoch) and, on S3, its ETag. */
export interface ListedKey {
  key: string;
  modifiedMs: number;
  etag?: string;
}

/** One package of a store with its versions, ascending. */
export interface StorePackage {
  kind: PackageKind;
  name: string;
  versions: string[];
}

/** A version about to be committed: who it is, its files by key below the version, and its metadata. */
export interface VersionUpload {
  kind: PackageKind;
  name: string;
  version: string;
  /** `files/<path>`, `br/<path>`, `gz/<path>` → bytes. */
  files: ReadonlyMap<string, Buffer>;
  /** The text of meta.json, written last. */
  metadata: string;
}

/**
 * Where the CDN keeps versions and their index, behind one small interface with two drivers:
 * a folder on one disk (createFsStore, the default) and a bucket on S3-compatible object storage
 * (createS3Store). Keys come from store-paths.ts only. Reads are strongly consistent: a write
 * that returned is seen by every later read, in any process.
 */
export interface CdnStore {
  /** "fs" or "s3". */
  readonly driver: 'fs' | 's3';
  /** Names the store in messages and tells stores apart in caches: a folder or s3://bucket/prefix. */
  readonly location: string;
  /** The object at `key`, or null when there is none. */
  read(key: string): Promise<StoredObject | null>;
  /** Creates `key` holding `body` only if it does not exist; false when it did (nothing written). */
  createIfAbsent(key: string, body: Buffer | string): Promise<boolean>;
  /**
   * Compare-and-swap: replaces `key` with `body` only if its ETag is still `etag` (null: only if
   * it does not exist). False when another writer got there first; the caller re-reads and
   * re-derives what it writes. Index files are only ever written this way.
   */
  replaceIf(key: string, body: Buffer | string, etag: string | null): Promise<boolean>;
  /** Every key below `prefix` (a folder, ending without "/"), at any depth. */
  list(prefix: string): Promise<ListedKey[]>;
  /** Removes `key`; a missing key is no error. */
  remove(key: string): Promise<void>;
  /** Removes every key below `prefix` (a folder, without "/"), in as few requests as the driver can. */
  removePrefix(prefix: string): Promise<void>;
  /** The complete versions of one package, ascending; [] for an unknown package. */
  listVersions(kind: PackageKind, name: string): Promise<string[]>;
  /** Every package with its complete versions, by kind and name. */
  listPackages(): Promise<StorePackage[]>;
  /** A cheap value that changes whenever a version is added: index passes repeat while it moves. */
  fingerprint(): Promise<string>;
  /**
   * Adds a version, all or nothing, with its metadata written last: of concurrent commits of one
   * version, in any number of processes or machines, exactly one wins and its files are the ones
   * served; the others throw PODMAP_ERR_CDN_VERSION_EXISTS, as does a version already there. A
   * committer that dies halfway leaves nothing visible and nothing that blocks a retry.
   */
  commitVersion(upload: VersionUpload): Promise<void>;
  /**
   * Finds versions that are complete but missing from what listVersions reads (a publisher that
   * died after its metadata, before its index entry) and lists them. Called by reindexStore.
   */
  recoverVersions(): Promise<void>;
  /** Removes what crashed publishes left behind for `olderThanMs` or longer; returns what it removed. */
  cleanStaging(olderThanMs: number): Promise<string[]>;
  /** The file system driver's folder: nginx serves it, and large files are streamed from it. */
  readonly root?: string;
}
