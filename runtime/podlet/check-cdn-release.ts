import { PodmapError } from '../shared/errors.ts';
import { hashFiles } from '../shared/files/hash-files.ts';
import { fetchText } from '../shared/http/fetch-text.ts';

/** What the check reads of a file's entry in the release's metadata (FileEntry, docs/cdn.md). */
interface RemoteFile {
  integrity?: string;
  published?: { integrity?: string };
  generated?: boolean;
}

/**
 * Checks that the asset CDN holds the podlet release `podlet/<name>@<version>/` with exactly
 * the bytes of the local `publicDir` (sha384 of every file against the CDN's metadata: of a file
 * the CDN minified, the integrity it records of the file as published; the maps it added are
 * not compared).
 * Resolves with the release's base URL, or throws PODMAP_ERR_PODLET_RELEASE_MISMATCH saying
 * what differs. A podlet calls it at start-up before it points its modules at the CDN: a
 * release published before a code change would otherwise serve yesterday's modules under
 * today's manifest, and published versions never change.
 */
export async function checkCdnRelease(cdnUrl: string, name: string, version: string, publicDir: string): Promise<string> {
  const base = new URL(`podlet/${name}@${version}/`, cdnUrl).href;
  const metaUrl = new URL(`-/podlet/${name}@${version}`, cdnUrl).href;
  const response = await fetchText(metaUrl, { timeoutMs: 3000, failCode: 'PODMAP_ERR_PODLET_RELEASE_MISMATCH' });
  if (response.status !== 200) {
    throw new PodmapError(
      'PODMAP_ERR_PODLET_RELEASE_MISMATCH',
      `${name}@${version} is not on the CDN (${metaUrl} answered ${response.status})`,
    );
  }
  const remote = (JSON.parse(response.text) as { files?: Record<string, RemoteFile> }).files ?? {};
  const local = await hashFiles(publicDir);
  // The CDN minifies a release's modules: their entries keep the integrity of the file as it was
  // published, and the source maps it added are no file of ours.
  const published = (f: string) => remote[f]?.published?.integrity ?? remote[f]?.integrity;
  const differing = [
    ...Object.keys(local).filter((f) => published(f) !== local[f]),
    ...Object.keys(remote).filter((f) => !(f in local) && remote[f]?.generated !== true),
  ];
  if (differing.length > 0) {
    throw new PodmapError(
      'PODMAP_ERR_PODLET_RELEASE_MISMATCH',
      `${name}@${version} on the CDN differs from ${publicDir} in ${differing.slice(0, 5).join(', ')}${differing.length > 5 ? ', …' : ''}; bump the version to publish a new release`,
    );
  }
  return base;
}
