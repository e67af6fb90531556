import type { ImportMap } from '../../import-map/index.ts';
import type { PageAssets } from '../assets/page-assets.ts';
import type { ImportMapOverrides } from './parse-overrides-cookie.ts';

/**
 * A page's assets with one developer's overrides applied (docs/overrides.md). Called by the
 * layout per response; returns new objects and never changes `assets`, which is the cached,
 * shared copy that every other user's page is written from.
 *
 * - The map is the page's untrimmed one (`fullMap`, kept when the layout has overrides on), not
 *   the map trimmed to the released modules' graph: a dev server's module may import what the
 *   release does not (`lit/directives/class-map.js`), and so may a library an override swaps in.
 *   Integrity stays the trimmed map's: the hashes of the released graph's modules.
 * - `imports` entries replace (or add) top-level `imports` of the map. Scopes keep what they had:
 *   a podlet on another major keeps its own copy.
 * - A podlet override moves every URL under that podlet's asset base (`bases`) to the new base:
 *   entry scripts, stylesheets, preloads, exposed modules in `imports`, and scope keys and values.
 *   Integrity is dropped for moved files (the dev server's files are not the release's), and so
 *   are their preloads: the dev server's module graph may no longer be the release's, and a
 *   preload of a file that is gone is a 404 in the console for nothing (the server is local).
 */
export function applyOverrides(assets: PageAssets, overrides: ImportMapOverrides, bases: ReadonlyMap<string, string>): PageAssets {
  const moves = [...Object.entries(overrides.podlets)].flatMap(([name, to]) => {
    const from = bases.get(name);
    return from && from !== to ? [{ from, to }] : [];
  });
  const move = (url: string): string => {
    for (const { from, to } of moves) if (url.startsWith(from)) return to + url.slice(from.length);
    return url;
  };
  const moved = (url: string) => move(url) !== url;
  const source = assets.fullMap ?? assets.map;
  const map: ImportMap = { imports: {} };
  for (const [specifier, url] of Object.entries(source.imports)) map.imports[specifier] = move(url);
  Object.assign(map.imports, overrides.imports);
  if (source.scopes) {
    map.scopes = {};
    for (const [scope, entries] of Object.entries(source.scopes)) {
      map.scopes[move(scope)] = Object.fromEntries(Object.entries(entries).map(([s, url]) => [s, move(url)]));
    }
  }
  if (assets.map.integrity) {
    const integrity = Object.fromEntries(Object.entries(assets.map.integrity).filter(([url]) => !moved(url)));
    if (Object.keys(integrity).length > 0) map.integrity = integrity;
  }
  const keepIntegrity = <T extends { integrity?: string }>(item: T, url: string): T =>
    moved(url) ? { ...item, integrity: undefined } : item;
  return {
    ...assets,
    map,
    preloads: assets.preloads.filter((p) => !moved(p.href)),
    scripts: assets.scripts.map((s) => ({ ...keepIntegrity(s, s.src), src: move(s.src) })),
    stylesheets: assets.stylesheets.map((s) => ({ ...s, href: move(s.href) })),
    fallbackOnly: new Map(assets.fallbackOnly),
  };
}
