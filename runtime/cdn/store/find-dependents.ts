import { packageKinds, type PackageKind, type VersionMetadata } from '../../shared/cdn-protocol/types.ts';
import type { CdnStore } from './cdn-store.ts';
import { dependentsKey } from './store-paths.ts';
import { validatePackageName } from './validate-package-name.ts';

/** A stored version, by kind, name and exact version. */
export interface VersionId {
  kind: PackageKind;
  name: string;
  version: string;
}

/**
 * Notes in the store index that `metadata`'s version depends on each of its dependencies: an
 * empty file `dependents/<dependency>/<kind>/<name>@<version>`. Only ever creates files, so
 * concurrent publishes cannot lose each other's entries. Names a store cannot hold are skipped:
 * no version of them can be published, so they never change a map.
 */
export async function recordDependencies(store: CdnStore, metadata: VersionMetadata): Promise<void> {
  for (const dependency of Object.keys(metadata.dependencies)) {
    try {
      validatePackageName(dependency, 'npm');
    } catch {
      continue;
    }
    await store.createIfAbsent(`${dependentsKey(dependency)}/${metadata.kind}/${metadata.name}@${metadata.version}`, '');
  }
}

/**
 * Every stored version whose package map can include the npm package `name`: the versions that
 * depend on it, the versions that depend on those packages, and so on (by package name, whatever
 * version each range picks, so the set is never too small). Read from recordDependencies' files;
 * the published version itself is not included unless it depends on its own name.
 */
export async function findDependents(store: CdnStore, name: string): Promise<VersionId[]> {
  const found = new Map<string, VersionId>();
  const queue = [name];
  const queued = new Set(queue);
  while (queue.length > 0) {
    const dependency = queue.shift()!;
    const prefix = dependentsKey(dependency);
    for (const { key } of await store.list(prefix)) {
      const entry = parseDependentKey(key.slice(prefix.length + 1));
      if (!entry) continue;
      found.set(`${entry.kind}/${entry.name}@${entry.version}`, entry);
      // Only npm packages are dependencies; a podlet release ends the chain.
      if (entry.kind === 'npm' && !queued.has(entry.name)) {
        queued.add(entry.name);
        queue.push(entry.name);
      }
    }
  }
  return [...found.values()];
}

/** `<kind>/<name>@<version>` ("@scope/name@1.0.0" for scoped names) as a VersionId; null for anything else. */
function parseDependentKey(rest: string): VersionId | null {
  const slash = rest.indexOf('/');
  const kind = packageKinds.find((k) => k === rest.slice(0, slash));
  const path = rest.slice(slash + 1);
  // The "@" before the version: after the scope's own "@" and the scope's slash.
  const at = path.indexOf('@', path.indexOf('/') + 1 || 1);
  if (!kind || at <= 0) return null;
  return { kind, name: path.slice(0, at), version: path.slice(at + 1) };
}
