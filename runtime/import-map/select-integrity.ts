/**
 * The `integrity` section a page's map carries: the hashes of the modules in its graph, and no
 * others. The CDN's package maps hash every file of a package (development and Node builds too);
 * a page needs only what it loads, which keeps the map a few KB. `extra` adds hashes the package
 * maps do not have, such as the files of podlet releases. Returns entries sorted by URL, or
 * undefined when there are none. Pure.
 */
export function selectIntegrity(
  graph: readonly string[],
  ...sources: ReadonlyArray<Readonly<Record<string, string>> | undefined>
): Record<string, string> | undefined {
  const selected: Record<string, string> = {};
  for (const url of [...graph].sort()) {
    for (const source of sources) {
      const hash = source && Object.hasOwn(source, url) ? source[url] : undefined;
      if (hash) {
        selected[url] = hash;
        break;
      }
    }
  }
  return Object.keys(selected).length > 0 ? selected : undefined;
}
