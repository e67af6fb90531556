import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCdnServer, createShakenService, publishPodletRelease, type ShakenService } from '../../runtime/cdn/index.ts';
import { podletsDir, sixPodlets, type Sample } from './packages-options.ts';
import type { RequestHandler } from './listen-tls.ts';
import type { TlsServers } from './tls-servers.ts';

/**
 * Two CDN servers over one store: one with shaken builds (what podmap ships) and one without
 * (`podmap full`: every package as its full browser build, as before shaken builds), and the
 * shaken-builds service of the first, to wait for its builds.
 */
export async function startCdns(
  servers: TlsServers,
  storeDir: string,
): Promise<{ shakenUrl: string; fullUrl: string; shaken: ShakenService }> {
  const shaken = createShakenService(storeDir);
  const handler = (server: ReturnType<typeof createCdnServer>) => server.listeners('request')[0] as RequestHandler;
  const shakenUrl = await servers.listen(handler(createCdnServer({ storeDir, shaken })));
  const fullUrl = await servers.listen(handler(createCdnServer({ storeDir, shaken: false })));
  return { shakenUrl, fullUrl, shaken };
}

/**
 * Builds every page of these layouts until their CDN has nothing more to build: each round asks
 * for the pages afresh (refresh() drops the layouts' assets), which sends the site's shaken-builds
 * request, and waits for the builds it queued; a package's names come from the builds of the
 * packages that import it, so a round per level of the graph. Returns the rounds it took.
 */
export async function settleShakenBuilds(
  layouts: ReadonlyArray<{ refresh(): Promise<void>; url: string }>,
  paths: readonly string[],
  shaken: ShakenService,
): Promise<number> {
  for (let round = 1; round <= 20; round++) {
    for (const layout of layouts) {
      await layout.refresh();
      for (const path of paths) await (await fetch(new URL(path, layout.url))).text();
    }
    if (!shaken.building()) return round;
    await shaken.idle();
  }
  throw new Error('bench: shaken builds did not settle in 20 rounds');
}

/**
 * A copy of the real-packages store with the six podlets' releases published into it. The cached
 * store is shared with the tests, so the copy is made of hard links (the CDN replaces files by
 * rename, never in place), or a plain copy across file systems.
 */
export async function copyStoreWithReleases(from: string, storeDir: string): Promise<string> {
  await promisify(execFile)('cp', ['-al', from, storeDir]).catch(() => promisify(execFile)('cp', ['-R', from, storeDir]));
  for (const name of sixPodlets) {
    const { version } = JSON.parse(readFileSync(join(podletsDir, name, 'package.json'), 'utf8')) as { version: string };
    await publishPodletRelease(storeDir, name, version, join(podletsDir, name, 'public'));
  }
  return storeDir;
}

/** packages.json's text: `json` with the samples after it, one line each, so the file stays readable. */
export function withSamplesOnePerLine(json: object, samples: Sample[]): string {
  const marker = '<samples>';
  const text = JSON.stringify({ ...json, samples: marker }, null, 2);
  return text.replace(JSON.stringify(marker), `[\n${samples.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`) + '\n';
}
