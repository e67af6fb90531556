import { createHash } from 'node:crypto';
import { composeImportMap, planVersions, type ImportMap, type PodletNeeds, type VersionNeed } from '../../runtime/import-map/index.ts';

/**
 * Package maps shaped like the CDN's `GET /-/map/npm/<name>@<version>` answers after the layout's
 * CDN client made them absolute (docs/cdn.md). The lit closures and file names are the ones the
 * CDN builds from the installed lit 3.3.3 and 2.8.0; integrity lists a few files per package.
 */
export const CDN = 'http://127.0.0.1:7700/';

export const root = (pkg: string, version: string): string => `${CDN}npm/${pkg}@${version}/`;

/** A stable fake sha384 for a URL, so integrity entries can be told apart. */
export const fakeIntegrity = (url: string): string => `sha384-${createHash('sha384').update(url).digest('base64')}`;

interface PackageSpec {
  pkg: string;
  version: string;
  main: string;
  files: string[];
}

function entriesOf(spec: PackageSpec): Record<string, string> {
  return { [spec.pkg]: root(spec.pkg, spec.version) + spec.main, [`${spec.pkg}/`]: root(spec.pkg, spec.version) };
}

function integrityOf(spec: PackageSpec): Record<string, string> {
  return Object.fromEntries(
    [spec.main, ...spec.files].map((f) => [root(spec.pkg, spec.version) + f, fakeIntegrity(root(spec.pkg, spec.version) + f)]),
  );
}

/** A package map of `first` and its closure, all placed in `imports` (no internal conflicts). */
export function packageMapOf(first: PackageSpec, ...closure: PackageSpec[]): ImportMap {
  const all = [first, ...closure];
  return {
    imports: Object.assign({}, ...all.map(entriesOf)),
    scopes: {},
    integrity: Object.assign({}, ...all.map(integrityOf)),
  };
}

const ssrDomShim: PackageSpec = { pkg: '@lit-labs/ssr-dom-shim', version: '1.6.0', main: 'index.js', files: [] };
const lit3: PackageSpec = { pkg: 'lit', version: '3.3.3', main: 'index.js', files: ['decorators.js', 'directive.js', 'html.js'] };
const litHtml3: PackageSpec = { pkg: 'lit-html', version: '3.3.3', main: 'lit-html.js', files: ['directive.js', 'is-server.js'] };
const litElement4: PackageSpec = { pkg: 'lit-element', version: '4.2.2', main: 'index.js', files: ['lit-element.js'] };
const reactive2: PackageSpec = { pkg: '@lit/reactive-element', version: '2.1.2', main: 'reactive-element.js', files: ['css-tag.js'] };
const lit2: PackageSpec = { pkg: 'lit', version: '2.8.0', main: 'index.js', files: ['decorators.js', 'directive.js', 'html.js'] };
const litHtml2: PackageSpec = { pkg: 'lit-html', version: '2.8.0', main: 'lit-html.js', files: ['directive.js', 'is-server.js'] };
const litElement3: PackageSpec = { pkg: 'lit-element', version: '3.3.3', main: 'index.js', files: ['lit-element.js'] };
const reactive1: PackageSpec = { pkg: '@lit/reactive-element', version: '1.6.3', main: 'reactive-element.js', files: ['css-tag.js'] };
const podmapBrowser: PackageSpec = { pkg: '@podmap/browser', version: '0.1.0', main: 'public/index.js', files: [] };
// @podmap/browser's main lives in public/; its prefix entry still points at the package root.

/** The CDN's package maps by "name@version", for the versions the tests plan with. */
export function litPackageMaps(): Record<string, ImportMap> {
  return {
    'lit@3.3.3': packageMapOf(lit3, reactive2, litElement4, litHtml3, ssrDomShim),
    'lit@3.1.0': packageMapOf({ ...lit3, version: '3.1.0' }, reactive2, litElement4, litHtml3, ssrDomShim),
    'lit@2.8.0': packageMapOf(lit2, reactive1, litElement3, litHtml2, ssrDomShim),
    'lit-html@3.3.3': packageMapOf(litHtml3),
    'lit-html@2.8.0': packageMapOf(litHtml2),
    '@podmap/browser@0.1.0': packageMapOf(podmapBrowser),
  };
}

/** What the CDN's `GET /-/npm/<name>` lists, for the packages above. */
export const litAvailable: Record<string, string[]> = {
  lit: ['2.7.6', '2.8.0', '3.1.0', '3.3.3'],
  'lit-html': ['2.8.0', '3.3.3'],
  '@podmap/browser': ['0.1.0'],
};

/** A podlet on the demo's ports (header :7100 … search :7600), serving its modules from /static/. */
export function podlet(name: string, port: number, needs: Record<string, string>, exposes: Record<string, string> = {}): PodletNeeds {
  const base = `http://127.0.0.1:${port}/static/`;
  return {
    name,
    base,
    needs,
    exposes: Object.fromEntries(Object.entries(exposes).map(([specifier, file]) => [specifier, base + file])),
    packageName: `@podlets/${name}`,
    packageVersion: '1.0.0',
  };
}

/** The demo's six podlets: five on lit 3, geo lagging on lit 2, auth exposing its session module. */
export function demoPodlets(): PodletNeeds[] {
  return [
    podlet('header', 7100, { lit: '^3.1.0', '@podmap/browser': '^0.1.0' }),
    podlet('footer', 7200, { lit: '^3.1.0', '@podmap/browser': '^0.1.0' }),
    podlet('auth', 7300, { lit: '^3.1.0', '@podmap/browser': '^0.1.0' }, { '@podlets/auth/session.js': 'session.js' }),
    podlet('geo', 7400, { lit: '^2.7.0', '@podmap/browser': '^0.1.0' }),
    podlet('image', 7500, { lit: '^3.1.0', '@podmap/browser': '^0.1.0' }),
    podlet('search', 7600, { lit: '^3.1.0', '@podmap/browser': '^0.1.0' }),
  ];
}

/**
 * Plans and composes a page the way runtime/layout/assets/build-page-assets.ts does: the global map's
 * CDN aliases are needs with podlet null, every podlet need goes to the plan, and the chosen
 * versions' package maps go to composeImportMap.
 */
export function composePage(
  podlets: readonly PodletNeeds[],
  options: {
    global?: VersionNeed[];
    available?: Record<string, readonly string[]>;
    packageMaps?: Record<string, ImportMap>;
    exposers?: readonly PodletNeeds[];
  } = {},
) {
  const needs: VersionNeed[] = [
    ...(options.global ?? []),
    ...podlets.flatMap((p) => Object.entries(p.needs).map(([pkg, range]) => ({ podlet: p.name, pkg, range }))),
  ];
  const plan = planVersions(needs, options.available ?? litAvailable);
  const { map, issues } = composeImportMap({
    passThrough: {},
    plan,
    packageMaps: options.packageMaps ?? litPackageMaps(),
    podlets,
    exposers: options.exposers ?? podlets,
  });
  return { plan, map, issues };
}

/** The demo's entry modules of header and geo, and lit 3's and lit 2's folders on the CDN. */
export const demoModules = {
  header: 'http://127.0.0.1:7100/static/header.js',
  geo: 'http://127.0.0.1:7400/static/geo.js',
  lit3: root('lit', '3.3.3'),
  lit2: root('lit', '2.8.0'),
};

/** The demo's modules and their imports as written, like podmap.json and the CDN metadata list them. */
export const demoModuleGraph: Record<string, string[]> = {
  [demoModules.header]: ['lit', './util.js', '@podlets/auth/session.js'],
  'http://127.0.0.1:7100/static/util.js': [],
  'http://127.0.0.1:7300/static/session.js': ['@podmap/browser'],
  [demoModules.geo]: ['lit', 'lit/decorators.js'],
  [`${demoModules.lit3}index.js`]: ['@lit/reactive-element', 'lit-html', 'lit-element/lit-element.js'],
  [`${demoModules.lit2}index.js`]: ['@lit/reactive-element', 'lit-html', 'lit-element/lit-element.js'],
  [`${demoModules.lit2}decorators.js`]: ['@lit/reactive-element/decorators/property.js'],
};
