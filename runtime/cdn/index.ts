/**
 * podmap's asset CDN: an immutable store of npm packages and podlet releases, and the HTTP
 * server and nginx config that serve it. docs/cdn.md has the URL contract.
 */
export { createCdnServer, type CdnOptions } from './http/create-cdn-server.ts';
export { publishInstalledPackages } from './publish/publish-installed-packages.ts';
export { publishPodletRelease } from './publish/publish-podlet-release.ts';
export { publishTarball } from './publish/publish-tarball.ts';
export { defaultStoreDir } from './store/store-paths.ts';
export type { CdnStore, StoredObject, ListedKey, StorePackage, VersionUpload } from './store/cdn-store.ts';
export { openStore, type StoreLocation } from './store/open-store.ts';
export { createFsStore } from './store/fs-store.ts';
export { createS3Store, type S3StoreOptions } from './store/s3-store.ts';
export { buildPackageMap, type PackageImportMap } from './store/build-package-map.ts';
export type { VersionMetadata, FileEntry, PackageKind } from '../shared/cdn-protocol/types.ts';
export { createShakenService, DEFAULT_SHAKEN_OPTIONS, type ShakenOptions, type ShakenService } from './shaken/create-shaken-service.ts';
export type { ShakenAnswer, ShakenRequest } from '../shared/cdn-protocol/shaken-builds.ts';
export { generateNginxConfig } from './nginx/generate-nginx-config.ts';
export { generateNginxS3Config, type NginxS3Options } from './nginx/generate-nginx-s3-config.ts';
export { ensureStoreIndex, reindexStore, updateStoreIndex } from './store/update-store-index.ts';
export { createTeamToken } from './tokens/create-team-token.ts';
export type { TeamTokenEntry } from './tokens/team-token.ts';
