import { parseCdnUrl } from '../shared/cdn-protocol/cdn-urls.ts';
import type { ImportMap, SpecifierMap } from './import-map.ts';
import { rangeForLine, type VersionNeed } from './plan-versions.ts';

/** A global entry that points at a CDN package: written later with the version the plan picks. */
export interface GlobalPin {
  specifier: string;
  pkg: string;
  /** The file below the package root ("index.js"). */
  file: string;
}

/** The layout's global import map, read against the CDN. */
export interface GlobalMapReading {
  /** Entries that are not CDN packages, as absolute URLs, written into every page as they are. */
  passThrough: SpecifierMap;
  /** One need per CDN entry, with `podlet: null`: the global map takes part in the version plan. */
  needs: VersionNeed[];
  pins: GlobalPin[];
}

/**
 * Reads the global `import-map.json`. An entry under the CDN's base URL with a version alias
 * (`./npm/lit@3/index.js`, "lit, newest 3.x") becomes a need for that compatibility line and a
 * pin to fill in once versions are chosen; an exact version (`lit@3.3.3`) becomes a need for that
 * version. Anything else passes through, resolved to an absolute URL. Pure.
 */
export function readGlobalMap(globalMap: ImportMap, cdnBase: string): GlobalMapReading {
  const reading: GlobalMapReading = { passThrough: {}, needs: [], pins: [] };
  for (const [specifier, value] of Object.entries(globalMap.imports)) {
    const url = new URL(value, cdnBase).href;
    const location = url.startsWith(cdnBase) ? parseCdnUrl(url) : null;
    if (!location || location.kind !== 'npm') {
      reading.passThrough[specifier] = url;
      continue;
    }
    const { name: pkg, version, file } = location;
    reading.needs.push({ podlet: null, pkg, range: /^\d+(\.\d+)?$/.test(version) ? rangeForLine(version) : version });
    reading.pins.push({ specifier, pkg, file });
  }
  return reading;
}

/**
 * The URLs of the global pins once the plan is known: a pinned specifier that the package's own
 * CDN map already holds is left to that map; any other gets `<cdn>/npm/<pkg>@<version>/<file>`.
 * Pure.
 */
export function resolveGlobalPins(
  pins: readonly GlobalPin[],
  topLevel: Readonly<Record<string, string>>,
  packageMaps: Readonly<Record<string, ImportMap>>,
  fileUrl: (pkg: string, version: string, file: string) => string,
): SpecifierMap {
  const entries: SpecifierMap = {};
  for (const pin of pins) {
    const version = topLevel[pin.pkg];
    if (!version) continue;
    const own = packageMaps[`${pin.pkg}@${version}`]?.imports ?? {};
    if (!Object.hasOwn(own, pin.specifier)) entries[pin.specifier] = fileUrl(pin.pkg, version, pin.file);
  }
  return entries;
}
