import type { PodletNeeds } from './import-map.ts';

/** A podlet with the namespaces the layout lets it add entries under. */
export type GrantedPodlet = PodletNeeds & {
  /** Package names whose specifiers (`<name>` and `<name>/…`) this podlet may expose; its needs for them are met by it. */
  namespaces: readonly string[];
};

/** Something a podlet asked for that the layout refused; logged with the podlet's name and the code. */
export interface NamespaceRefusal {
  code: 'PODMAP_ERR_NAMESPACE_DENIED' | 'PODMAP_ERR_EXPOSE_URL_REFUSED';
  podlet: string;
  detail: string;
  /** The package name it was refused, for a refused claim (not for a refused expose). */
  pkg?: string;
}

/** What grantNamespaces() decides from. */
export interface NamespaceInput {
  /** Every registered podlet with a podmap.json (not only the page's: a claim affects every page). */
  podlets: readonly PodletNeeds[];
  /** The layout's `namespaces` option: podlet name → package names granted to it explicitly. */
  grants: Readonly<Record<string, readonly string[]>>;
  /** Package names no podlet may take, → why (on the CDN, in import-map.json). */
  reserved: ReadonlyMap<string, string>;
  /** Podlet name → the origins its exposed modules may live on (its asset origin, its manifest's, the CDN's). */
  origins: ReadonlyMap<string, readonly string[]>;
}

/**
 * Decides which namespaces each podlet owns and keeps only the exposes inside them, so a podlet
 * can add entries to the map but never take a specifier that belongs to a library, to the global
 * import map or to another podlet. Pure.
 *
 * A podlet owns its own package name (`package.name` in podmap.json) and the names the layout
 * grants it, except a name that is `reserved` (a package on the CDN or in import-map.json: taking
 * it would take that library from every page). A name granted to one podlet is refused to every
 * other podlet that claims it; a name claimed by two podlets and granted to neither is refused to
 * both, so an attacker that registers `aa-evil` before `auth` in name order cannot win by sorting
 * first. An expose outside the owned namespaces, or at a URL that is not http(s) on one of the
 * podlet's `origins`, is left out. Each refusal is returned once, naming the podlet.
 */
export function grantNamespaces(input: NamespaceInput): { podlets: GrantedPodlet[]; refusals: NamespaceRefusal[] } {
  const refusals: NamespaceRefusal[] = [];
  const grantedTo = new Map<string, string>();
  for (const [podlet, names] of Object.entries(input.grants)) for (const name of names) grantedTo.set(name, podlet);
  const claimants = new Map<string, string[]>();
  for (const podlet of input.podlets) {
    if (podlet.packageName)
      (claimants.get(podlet.packageName) ?? claimants.set(podlet.packageName, []).get(podlet.packageName)!).push(podlet.name);
  }
  const podlets = input.podlets.map((podlet): GrantedPodlet => {
    const deny = (detail: string, pkg?: string) =>
      refusals.push({ code: 'PODMAP_ERR_NAMESPACE_DENIED', podlet: podlet.name, detail, ...(pkg ? { pkg } : {}) });
    const asked = [...new Set([...(podlet.packageName ? [podlet.packageName] : []), ...(input.grants[podlet.name] ?? [])])];
    const namespaces = asked.filter((name) => {
      const why = refusalOf(name, podlet.name, input.reserved, grantedTo, claimants);
      if (why) deny(`package ${name}: ${why}`, name);
      return why === null;
    });
    const exposes: Record<string, string> = {};
    for (const [specifier, url] of Object.entries(podlet.exposes)) {
      if (!namespaces.some((ns) => specifier === ns || specifier.startsWith(`${ns}/`))) {
        deny(`${specifier} is outside the namespaces it owns (${namespaces.join(', ') || 'none'})`);
      } else if (!isAllowedUrl(url, input.origins.get(podlet.name) ?? [])) {
        refusals.push({ code: 'PODMAP_ERR_EXPOSE_URL_REFUSED', podlet: podlet.name, detail: `${specifier} → ${url.slice(0, 200)}` });
      } else exposes[specifier] = url;
    }
    const owned = podlet.packageName !== undefined && namespaces.includes(podlet.packageName);
    return { ...podlet, exposes, packageName: owned ? podlet.packageName : undefined, namespaces };
  });
  return { podlets, refusals };
}

/** Why `podlet` may not own `name`, or null if it may. */
function refusalOf(
  name: string,
  podlet: string,
  reserved: ReadonlyMap<string, string>,
  grantedTo: ReadonlyMap<string, string>,
  claimants: ReadonlyMap<string, readonly string[]>,
): string | null {
  // A grant cannot take a library or a global entry either: that would change every page.
  const why = reserved.get(name);
  if (why !== undefined) return why;
  const owner = grantedTo.get(name);
  if (owner !== undefined) return owner === podlet ? null : `granted to podlet "${owner}" by the layout`;
  const others = (claimants.get(name) ?? []).filter((n) => n !== podlet);
  return others.length > 0 ? `also claimed by podlet ${others.map((n) => `"${n}"`).join(', ')}; the layout grants it to neither` : null;
}

/** http(s), on one of `origins`: no data:, javascript: or blob: module, and nothing from a third party. */
function isAllowedUrl(value: string, origins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && origins.includes(url.origin);
}

/**
 * The package a bare specifier belongs to (`@scope/name` or `name`), or null for a URL-like one.
 * Used to reserve the global import map's packages.
 */
export function packageOfSpecifier(specifier: string): string | null {
  if (specifier.includes(':') || specifier.startsWith('/') || specifier.startsWith('.')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? (parts.length > 1 ? `${parts[0]}/${parts[1]}` : null) : parts[0]!;
}
