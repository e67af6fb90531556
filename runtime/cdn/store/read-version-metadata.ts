import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { versionDir } from './store-paths.ts';
import type { PackageKind, VersionMetadata } from '../../shared/cdn-protocol/types.ts';

// Published versions never change, so their metadata can be cached for the life of the process.
const cache = new Map<string, VersionMetadata>();

/** The stored metadata of a version, or null when the store does not hold it. */
export async function readVersionMetadata(
  storeDir: string,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<VersionMetadata | null> {
  const dir = versionDir(storeDir, kind, name, version);
  const cached = cache.get(dir);
  if (cached) return cached;
  try {
    const metadata = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as VersionMetadata;
    cache.set(dir, metadata);
    return metadata;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
