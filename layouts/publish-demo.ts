import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publishInstalledPackages, publishPodletRelease } from '@podmap/cdn';
import { demoPodletNames } from './demo-wiring.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Podlet dependencies that only their servers load. */
const SERVER_ONLY = new Set(['@lit-labs/ssr']);

/**
 * Publishes what the demo needs into the CDN store, skipping versions already there: every
 * browser dependency of every podlet (each resolved from the podlet's own folder, so geo's
 * lit 2 and everyone else's lit 3 both land), each podlet's compiled modules as a podlet
 * release, and es-module-shims for the layout.
 */
export async function publishDemoAssets(storeDir: string): Promise<{ published: string[]; skipped: string[] }> {
  const published: string[] = [];
  const skipped: string[] = [];
  const collect = (r: { published: string[]; skipped: string[] }) => {
    published.push(...r.published);
    skipped.push(...r.skipped);
  };
  for (const name of demoPodletNames) {
    const dir = `${root}podlets/${name}`;
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { dependencies?: Record<string, string> };
    // Other podlets' packages are served by those podlets (exposes), not by the CDN, and the
    // server renderer runs in the podlet's Node process, never in a browser.
    const names = Object.keys(pkg.dependencies ?? {}).filter((n) => !n.startsWith('@podlets/') && !SERVER_ONLY.has(n));
    collect(await publishInstalledPackages(storeDir, dir, names));
    // The podlet's own modules as a release, so pages load them from the CDN's origin. A
    // release that exists is left alone (versions are immutable); the podlet checks at start-up
    // that it still matches its files and serves them itself if not.
    const { version } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { version: string };
    try {
      await publishPodletRelease(storeDir, name, version, `${dir}/public`);
      published.push(`podlet ${name}@${version}`);
    } catch (error) {
      if ((error as { code?: string }).code !== 'PODMAP_ERR_CDN_VERSION_EXISTS') throw error;
    }
  }
  collect(await publishInstalledPackages(storeDir, `${root}layouts`, ['es-module-shims']));
  return { published: [...new Set(published)].sort(), skipped: [...new Set(skipped)].sort() };
}
