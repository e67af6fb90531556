import { createHash } from 'node:crypto';
import semver from 'semver';
import type { ImportMap } from '../../runtime/import-map/index.ts';
import { CdnRefusal, type CdnClient } from '../../runtime/layout/assets/create-cdn-client.ts';
import type { PodletClient } from '../../runtime/layout/podlets/create-podlet-client.ts';
import type { PodletState } from '../../runtime/layout/podlets/podlet-state.ts';
import { cdnApiUrl, cdnFileUrl } from '../../runtime/shared/cdn-protocol/cdn-urls.ts';
import type { PackageBuild, VersionMetadata } from '../../runtime/shared/cdn-protocol/types.ts';
import { PodmapError } from '../../runtime/shared/errors.ts';

/** The fake CDN's base URL. */
export const CDN = 'http://cdn.test/';

export const rootOf = (pkg: string, version: string): string => `${CDN}npm/${pkg}@${version}/`;

const hash = (text: string) => `sha384-${createHash('sha384').update(text).digest('base64')}`;

/** One version of a package on the fake CDN. */
export interface FakeVersion {
  /** File → its import specifiers as written (static and dynamic). */
  files: Record<string, string[]>;
  /** Import-map entries the package contributes: specifier → file ("" for the root, with a trailing-slash key). */
  exports: Record<string, string>;
  dependencies?: Record<string, string>;
  build?: PackageBuild;
  /** File → those of its imports it loads only with import() (FileEntry.dynamicImports). */
  dynamicImports?: Record<string, string[]>;
}

/** An HTTP status the fake CDN answers instead of a document, with the CDN's error code. */
export interface FakeError {
  status: number;
  code: string;
}

/**
 * A CdnClient over an in-memory store, answering the way the real client does: a 4xx throws a
 * CdnRefusal with the CDN's code, a 5xx PODMAP_ERR_CDN_UNREACHABLE. Package maps are built like
 * the CDN's: the package's exports and those of its dependencies, transitively, each at the
 * newest version its range allows (first placed wins; no scopes, which these tests do not need).
 * `errors` maps "versions:<pkg>", "map:<pkg>@<version>" or "metadata:<pkg>@<version>" to an error.
 */
export function fakeCdn(
  packages: Record<string, Record<string, FakeVersion>>,
  errors: Record<string, FakeError> = {},
): CdnClient & { calls: string[] } {
  const calls: string[] = [];
  const fail = (key: string, url: string) => {
    const error = errors[key];
    if (!error) return;
    if (error.status >= 500) throw new PodmapError('PODMAP_ERR_CDN_UNREACHABLE', `${url} answered ${error.status}`);
    throw new CdnRefusal(url, error.status, JSON.stringify({ error: { code: error.code, message: `the fake CDN says ${error.code}` } }));
  };
  const metadataOf = (pkg: string, version: string): VersionMetadata | null => {
    const v = packages[pkg]?.[version];
    if (!v) return null;
    return {
      kind: 'npm',
      name: pkg,
      version,
      dependencies: v.dependencies ?? {},
      exports: Object.fromEntries(Object.entries(v.exports).map(([k, f]) => [k, `./${f}`])),
      files: Object.fromEntries(
        Object.entries(v.files).map(([f, imports]) => [
          f,
          {
            size: 1,
            integrity: hash(rootOf(pkg, version) + f),
            type: 'text/javascript',
            imports,
            ...(v.dynamicImports?.[f] ? { dynamicImports: v.dynamicImports[f] } : {}),
          },
        ]),
      ),
      ...(v.build ? { build: v.build } : {}),
    };
  };
  const mapOf = (pkg: string, version: string): ImportMap => {
    const map: Required<ImportMap> = { imports: {}, scopes: {}, integrity: {} };
    const queue: Array<[string, string]> = [[pkg, version]];
    const seen = new Set<string>();
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [p, v] = next;
      if (seen.has(`${p}@${v}`)) continue;
      seen.add(`${p}@${v}`);
      const version = packages[p]![v]!;
      for (const [key, file] of Object.entries(version.exports)) map.imports[key] ??= rootOf(p, v) + file;
      for (const file of Object.keys(version.files)) map.integrity[rootOf(p, v) + file] = hash(rootOf(p, v) + file);
      for (const [dep, range] of Object.entries(version.dependencies ?? {})) {
        queue.push([dep, semver.maxSatisfying(Object.keys(packages[dep] ?? {}), range) ?? 'missing']);
      }
    }
    return map;
  };
  return {
    base: CDN,
    calls,
    async versions(name) {
      const url = cdnApiUrl(CDN, 'versions', 'npm', name);
      calls.push(url);
      fail(`versions:${name}`, url);
      const versions = Object.keys(packages[name] ?? {});
      return versions.length === 0 ? null : { name, versions, majors: Object.fromEntries(versions.map((v) => [v.split('.')[0]!, v])) };
    },
    async packageMap(name, version) {
      const url = cdnApiUrl(CDN, 'map', 'npm', name, version);
      calls.push(url);
      fail(`map:${name}@${version}`, url);
      if (!packages[name]?.[version]) throw new CdnRefusal(url, 404, '{"error":{"code":"PODMAP_ERR_CDN_VERSION_UNKNOWN","message":"no"}}');
      return mapOf(name, version);
    },
    async metadata(name, version) {
      const url = cdnApiUrl(CDN, 'metadata', 'npm', name, version);
      calls.push(url);
      fail(`metadata:${name}@${version}`, url);
      return metadataOf(name, version);
    },
    fileUrl: (kind, name, version, file = '') => cdnFileUrl(CDN, kind, name, version, file),
    // A CDN without shaken builds, as before them: the layout maps the full builds.
    shaken: async () => null,
  };
}

/** A podlet the layout has read: `modules` maps a file below its base to its imports; the first is its entry. */
export function fakePodlet(
  name: string,
  options: { needs: Record<string, string>; modules: Record<string, string[]>; exposes?: Record<string, string>; version?: string },
): PodletClient {
  const baseUrl = `http://${name}.test/public@1.0.0/`;
  const entry = Object.keys(options.modules)[0]!;
  const state: PodletState = {
    version: options.version ?? '1.0.0',
    contentUrl: `http://${name}.test/`,
    fallbackUrl: null,
    js: [{ value: baseUrl + entry, type: 'module' }],
    css: [],
    podmap: {
      podmap: 1,
      package: { name: `@podlets/${name}`, version: options.version ?? '1.0.0' },
      base: './public@1.0.0/',
      baseUrl,
      needs: options.needs,
      exposes: options.exposes ?? {},
      modules: options.modules,
    },
    fallbackHtml: `<p>${name} fallback</p>`,
  };
  return {
    name,
    manifestUrl: `http://${name}.test/manifest.json`,
    state,
    refresh: async () => state,
    content: async () => ({ html: `<p>${name}</p>` }),
    close: () => {},
  };
}
