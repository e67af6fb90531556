import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PodmapError } from '../shared/errors.ts';
import { isMain } from '../shared/cli/is-main.ts';
import { listenFromEnv } from '../shared/cli/listen-from-env.ts';
import { listenOn } from '../shared/listen-on.ts';
import {
  createCdnServer,
  ensureStoreIndex,
  generateNginxConfig,
  generateNginxS3Config,
  publishInstalledPackages,
  publishPodletRelease,
  publishTarball,
  reindexStore,
} from './index.ts';

/** The port the CDN serves on when PODMAP_CDN_PORT does not say otherwise. */
export const DEFAULT_CDN_PORT = 7700;

/** `podmap cdn --help`. */
export const cdnUsage = `usage: podmap cdn <command>
  serve                                     serve the store on PODMAP_CDN_PORT (default ${DEFAULT_CDN_PORT})
  publish <file.tgz>                        publish an npm tarball (npm pack output) into the store
  publish <folder>                          publish the packages that folder's package.json depends on, as installed
  publish-podlet <name> <version> <folder>  publish a podlet's compiled public/ folder as a release
  nginx-config <port>                       print an nginx.conf that serves the store like this server
  nginx-config <port> <cdn-origin>          for a bucket: exact files from the bucket, the rest from the CDN
  reindex                                   rebuild the store index (versions lists, aliases, maps)
The store is PODMAP_CDN_STORE, a bucket as s3://<bucket>/<prefix> (endpoint, region and keys from
AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or a folder, else the folder
PODMAP_STORE_DIR (default: store/ in the current folder). PODMAP_CDN_SHAKEN=off turns shaken
builds off (POST /-/shaken answers 404; docs/shaken-builds.md). Publishing over HTTP
(podmap publish, publish-package) needs tokens: PODMAP_CDN_TOKENS_FILE, one per team with its
scope (podmap cdn token), and/or PODMAP_CDN_TOKEN, which may publish anything.`;

/**
 * The asset CDN's command line (`podmap cdn …`): serve a store, publish into it directly, print
 * an nginx config for it or rebuild its index. Every publish is atomic, refuses a version that
 * exists (PODMAP_ERR_CDN_VERSION_EXISTS) and updates the store index that nginx serves from.
 * Throws PODMAP_ERR_CLI_USAGE for a command line it does not know.
 */
export async function runCdnCommand(args: string[], log: (line: string) => void = console.log): Promise<void> {
  // PODMAP_CDN_STORE names a bucket (s3://<bucket>/<prefix>) or a folder; PODMAP_STORE_DIR a folder.
  const storeDir = process.env.PODMAP_CDN_STORE || path.resolve(process.env.PODMAP_STORE_DIR || 'store');
  const [command = 'serve', ...rest] = args;
  if (command === 'serve' && rest.length === 0) {
    const shaken = process.env.PODMAP_CDN_SHAKEN === 'off' ? false : undefined;
    const server = createCdnServer({ storeDir, publishToken: process.env.PODMAP_CDN_TOKEN || undefined, shaken });
    await listenFromEnv(
      { listen: (port, host) => listenOn(server, port, host) },
      { name: 'cdn', envVar: 'PODMAP_CDN_PORT', defaultPort: DEFAULT_CDN_PORT },
    );
  } else if (command === 'publish' && rest.length === 1) {
    const target = path.resolve(rest[0]!);
    if ((await stat(target)).isDirectory()) {
      const result = await publishInstalledPackages(storeDir, target);
      log(`published: ${result.published.join(', ') || 'nothing new'}; already there: ${result.skipped.length}`);
    } else {
      const { name, version } = await publishTarball(storeDir, target);
      log(`published ${name}@${version}`);
    }
  } else if (command === 'publish-podlet' && rest.length === 3) {
    await publishPodletRelease(storeDir, rest[0]!, rest[1]!, path.resolve(rest[2]!));
    log(`published podlet ${rest[0]}@${rest[1]}`);
  } else if (command === 'nginx-config' && rest.length === 1 && /^\d+$/.test(rest[0]!) && !storeDir.startsWith('s3://')) {
    // The config serves the index; a store published before the index existed gets one now.
    await ensureStoreIndex(storeDir);
    process.stdout.write(generateNginxConfig({ storeDir, port: Number(rest[0]) }));
  } else if (command === 'nginx-config' && rest.length === 2 && /^\d+$/.test(rest[0]!) && storeDir.startsWith('s3://')) {
    const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || 'https://s3.amazonaws.com';
    const bucketUrl = `${endpoint.replace(/\/+$/, '')}/${storeDir.slice('s3://'.length).replace(/\/+$/, '')}`;
    process.stdout.write(generateNginxS3Config({ bucketUrl, cdnOrigin: rest[1]!, port: Number(rest[0]) }));
  } else if (command === 'reindex' && rest.length === 0) {
    await reindexStore(storeDir);
    log(`reindexed ${storeDir}`);
  } else {
    throw new PodmapError('PODMAP_ERR_CLI_USAGE', `podmap cdn ${args.join(' ')}\n${cdnUsage}`);
  }
}

// The demo launcher starts this file as a process of its own.
if (isMain(import.meta.url)) {
  await runCdnCommand(process.argv.slice(2)).catch((error: Error & { code?: string }) => {
    console.error(`podmap: ${error.code ? `${error.code}: ` : ''}${error.message}`);
    process.exitCode = 1;
  });
}
