import { resolveSpecifier, type ImportMap } from '../../import-map/index.ts';
import type { PodletState } from '../podlets/podlet-state.ts';

/** A module the page evaluates before any podlet's, so that lit's elements can hydrate. */
export interface HydrateScript {
  src: string;
  integrity?: string;
}

/**
 * The modules a page evaluates first, in order, so that every podlet rendered with 'hydrate'
 * hydrates: for each such podlet in page order, its podmap.json `hydrate` specifiers (its lit's
 * hydrate support, then lit), resolved as its entry module resolves them, each URL once.
 *
 * Why the order holds for two majors on one page: LitElement reads the hook a support installs
 * once, when lit's module is evaluated. Module scripts are evaluated in document order, so
 * [support 3, lit 3, support 2, lit 2] patches each major with its own support before any
 * podlet's module runs, whichever lit a podlet's graph reaches first. A specifier the map does
 * not resolve (the podlet was left out of the map) is skipped and reported through `warn`.
 */
export function findHydrateScripts(
  podlets: ReadonlyArray<{ name: string; state: PodletState }>,
  map: ImportMap,
  warn: (line: string) => void,
): HydrateScript[] {
  const scripts: HydrateScript[] = [];
  const seen = new Set<string>();
  for (const { name, state } of podlets) {
    const doc = state.podmap;
    const entry = state.js.find((a) => a.type === 'module')?.value;
    if (doc?.render !== 'hydrate' || !doc.hydrate || !entry) continue;
    for (const specifier of doc.hydrate) {
      const src = resolveSpecifier(map, specifier, entry);
      if (!src) {
        warn(`podmap: podlet "${name}": its hydrate module "${specifier}" is not in the page's map; it renders on the client`);
        continue;
      }
      if (seen.has(src)) continue;
      seen.add(src);
      scripts.push({ src, integrity: map.integrity?.[src] });
    }
  }
  return scripts;
}
