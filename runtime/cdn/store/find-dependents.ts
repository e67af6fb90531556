import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { packageKinds, type PackageKind, type VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import { listVersionEntries } from './list-store-packages.ts';
import { dependentsDir } from './store-paths.ts';
import { validatePackageName } from './validate-package-name.ts';

/** A stored version, by kind, name and exact version. */
export interface VersionId {
  kind: PackageKind;
  name: string;
  version: string;
}

/**
 * Notes in the store index that `metadata`'s version depends on each of its dependencies: an
 * empty file `dependents/<dependency>/<kind>/<name>@<version>`. Only ever adds files, so
 * concurrent publishes cannot lose each other's entries. Names a store cannot hold are skipped:
 * no version of them can be published, so they never change a map.
 */
export async function recordDependencies(storeDir: string, metadata: VersionMetadata): Promise<void> {
  for (const dependency of Object.keys(metadata.dependencies)) {
    try {
      validatePackageName(dependency, 'npm');
    } catch {
      continue;
    }
    const file = join(dependentsDir(storeDir, dependency), metadata.kind, `${metadata.name}@${metadata.version}`);
    await mkdir(dirname(file), { recursive: true });
    // Flag "a": create the file if it is missing, never truncate or replace it.
    await writeFile(file, '', { flag: 'a' });
  }
}

/**
 * Every stored version whose package map can include the npm package `name`: the versions that
 * depend on it, the versions that depend on those packages, and so on (by package name, whatever
 * version each range picks, so the set is never too small). Read from recordDependencies' files;
 * the published version itself is not included unless it depends on its own name.
 */
export async function findDependents(storeDir: string, name: string): Promise<VersionId[]> {
  const found = new Map<string, VersionId>();
  const queue = [name];
  const queued = new Set(queue);
  while (queue.length > 0) {
    const dependency = queue.shift()!;
    for (const kind of packageKinds) {
      for (const entry of await listVersionEntries(join(dependentsDir(storeDir, dependency), kind))) {
        found.set(`${kind}/${entry.name}@${entry.version}`, { kind, ...entry });
        // Only npm packages are dependencies; a podlet release ends the chain.
        if (kind === 'npm' && !queued.has(entry.name)) {
          queued.add(entry.name);
          queue.push(entry.name);
        }
      }
    }
  }
  return [...found.values()];
}
