import { init as initLexer } from 'es-module-lexer';
import { packageNameOf } from '../../shared/package-name-of.ts';
import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';
import type { CdnStore } from '../store/cdn-store.ts';
import { readVersionMetadata } from '../store/read-version-metadata.ts';
import { versionFileKey } from '../store/store-paths.ts';
import { readExportFacts } from './split-star-names.ts';

/** What a shaken build knows of the packages it imports, as the site has them: plain data, so a build can run in another process. */
export interface DependencyFacts {
  /** Packages whose package.json says `"sideEffects": false`: an import of one whose names go unused is dropped. */
  sideEffectFree: string[];
  /** Specifier ("@vue/runtime-core") → what its full build exports by name and the packages it passes on whole (null: not known). */
  exports: Record<string, { names: string[]; stars: string[] | null }>;
}

/** Facts about no package: nothing dropped, nothing forwarded. */
export const NO_DEPENDENCY_FACTS: DependencyFacts = { sideEffectFree: [], exports: {} };

/** Entry points read at most, so a site with many packages cannot make one build read them all. */
const MAX_ENTRIES = 64;

/**
 * The facts of `dependencies` (package name → "name@version", the one version of it the site's
 * request holds), read from the store: each package.json as published, the full-build file of
 * each of `specifiers` (what the version's own full build imports, deep entries included) and of
 * each main entry, and the entries those pass on whole (`export * from`), as far as the
 * dependencies reach. What the store lacks or cannot be read is not known, which only ever keeps
 * code (an import kept, a name left to the namespace), never drops it.
 */
export async function readDependencyFacts(
  store: CdnStore,
  dependencies: Readonly<Record<string, string>>,
  specifiers: readonly string[] = [],
): Promise<DependencyFacts> {
  await initLexer;
  const facts: DependencyFacts = { sideEffectFree: [], exports: {} };
  for (const [name, key] of Object.entries(dependencies)) {
    const manifest = await readJson<PackageManifest & { sideEffects?: unknown }>(store, name, versionOf(key), 'package.json');
    if (manifest?.sideEffects === false) facts.sideEffectFree.push(name);
  }
  const queue = [...specifiers, ...Object.keys(dependencies)];
  for (let specifier = queue.shift(); specifier !== undefined; specifier = queue.shift()) {
    if (Object.hasOwn(facts.exports, specifier) || Object.keys(facts.exports).length >= MAX_ENTRIES) continue;
    const found = await readEntryFacts(store, dependencies, specifier);
    if (!found) continue;
    facts.exports[specifier] = { names: [...found.names].sort(), stars: found.stars === null ? null : [...found.stars] };
    queue.push(...(found.stars ?? []));
  }
  return facts;
}

function versionOf(key: string): string {
  return key.slice(key.lastIndexOf('@') + 1);
}

async function readEntryFacts(store: CdnStore, dependencies: Readonly<Record<string, string>>, specifier: string) {
  const name = packageNameOf(specifier);
  const key = Object.hasOwn(dependencies, name) ? dependencies[name] : undefined;
  if (key === undefined) return null;
  const version = versionOf(key);
  const metadata = await readVersionMetadata(store, 'npm', name, version).catch(() => null);
  const subpath = specifier === name ? '.' : `.${specifier.slice(name.length)}`;
  const entries = metadata?.build?.entries ?? {};
  const file = Object.hasOwn(entries, subpath) ? entries[subpath] : undefined;
  if (!file) return null;
  const object = await store.read(versionFileKey('npm', name, version, 'files', file)).catch(() => null);
  return object ? readExportFacts(object.body.toString('utf8')) : null;
}

async function readJson<T>(store: CdnStore, name: string, version: string, file: string): Promise<T | null> {
  try {
    const object = await store.read(versionFileKey('npm', name, version, 'files', file));
    return object ? (JSON.parse(object.body.toString('utf8')) as T) : null;
  } catch {
    return null;
  }
}
