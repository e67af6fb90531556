import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishPodletFiles } from './publish-podlet-files.ts';
import { PodmapError } from '../../shared/errors.ts';
import { parseVersionRef } from '../store/parse-version-ref.ts';
import { walkFiles } from '../../shared/files/walk-files.ts';
import { validatePackageName } from '../store/validate-package-name.ts';
import type { StoreLocation } from '../store/open-store.ts';

/**
 * Publishes a podlet's compiled `public/` folder as the release `podlet/<name>@<version>`, so
 * its modules get immutable URLs. Dotfiles and node_modules are left out. Throws
 * PODMAP_ERR_CDN_VERSION_EXISTS, leaving the store unchanged, when that release is present.
 * `PUT /podlet/<name>@<version>` publishes an uploaded release through the same publishPodletFiles.
 */
export async function publishPodletRelease(location: StoreLocation, name: string, version: string, publicDir: string): Promise<void> {
  // Checked before the folder is read, so a wrong name or version costs no reading.
  validatePackageName(name, 'podlet');
  if (!('exact' in parseVersionRef(version))) throw new PodmapError('PODMAP_ERR_CDN_BAD_VERSION', version);
  const files = new Map<string, Buffer>();
  for (const path of await walkFiles(publicDir, '')) files.set(path, await readFile(join(publicDir, path)));
  await publishPodletFiles(location, name, version, files);
}
