import { gunzipSync } from 'node:zlib';
import { PodmapError } from '../shared/errors.ts';

/** The most a tarball may inflate to on the publisher's side; the CDN has limits of its own. */
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

/**
 * The name and version in `package/package.json` of an npm tarball (npm pack output), read by
 * walking its ustar headers; the CDN checks the rest. Throws PODMAP_ERR_PUBLISH_PACKAGE_JSON when
 * the file is not a gzip'd tarball or has no such file.
 */
export function readTarballManifest(tarball: Buffer, label: string): { name: string; version: string } {
  let tar: Buffer;
  try {
    tar = gunzipSync(tarball, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${label} is not a gzip'd tarball: ${(error as Error).message}`);
  }
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    const field = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (name === '') break;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const fullName = field(345, 155) ? `${field(345, 155)}/${name}` : name;
    if (fullName === 'package/package.json' && ['0', ''].includes(field(156, 1))) {
      let manifest: { name?: unknown; version?: unknown } | null;
      try {
        manifest = JSON.parse(tar.toString('utf8', offset + 512, offset + 512 + size)) as typeof manifest;
      } catch (error) {
        throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${label}: package/package.json: ${(error as Error).message}`);
      }
      if (typeof manifest?.name === 'string' && typeof manifest.version === 'string')
        return { name: manifest.name, version: manifest.version };
      break;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${label} has no package/package.json with a name and a version`);
}
