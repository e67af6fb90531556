import type { ImportMap } from './import-map.ts';
import { compareKeysBySpecificity } from './resolve-specifier.ts';

/** Code-unit order, whatever the server's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortEntries<T>(record: Record<string, T>, compare: (a: string, b: string) => number = compareText): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort(compare)
      .map((k) => [k, record[k]!]),
  );
}

/** Sorted keys everywhere (scopes most specific first, as browsers consult them); empty sections dropped. */
export function sortImportMap(map: ImportMap): ImportMap {
  const out: ImportMap = { imports: sortEntries(map.imports) };
  const scopes = Object.fromEntries(
    Object.keys(map.scopes ?? {})
      .sort(compareKeysBySpecificity)
      .flatMap((scope) => {
        const entries = map.scopes?.[scope];
        return entries && Object.keys(entries).length > 0 ? [[scope, sortEntries(entries)] as const] : [];
      }),
  );
  if (Object.keys(scopes).length > 0) out.scopes = scopes;
  if (map.integrity && Object.keys(map.integrity).length > 0) out.integrity = sortEntries(map.integrity);
  return out;
}
