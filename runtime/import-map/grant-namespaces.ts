import type { PodletNeeds } from './import-map.ts';

/** A podlet with the namespaces the layout lets it add entries under. */
export type GrantedPodlet = PodletNeeds & {
  /** Package names whose specifiers (`<name>` and `<name>/…`) this podlet may expose; its needs for them are met by it. */
  namespaces: readonly string[];
};

/** Something a podlet asked for that the layout refused; logged with the podlet's name and the code. */
export interface NamespaceRefusal {
  code: 'PODMAP_ERR_NAMESPACE_DENIED' | 'PODMAP_ERR_NAMESPACE_OWNED' | 'PODMAP_ERR_EXPOSE_URL_REFUSED';
  podlet: string;
  detail: string;
  /** The package name it was refused, for a refused claim (not for a refused expose). */
  pkg?: string;
}

/** What grantNamespaces() decides from. */
export interface NamespaceInput {
  /** Every registered podlet with a podmap.json (not only the page's: a claim affects every page). */
  podlets: readonly PodletNeeds[];
  /**
   * The name of every podlet the layout registers, with or without a podmap.json, up or down:
   * registration is what owns a namespace (registeredOwner()), so a podlet whose manifest cannot
   * be fetched keeps its name.
   */
  registered: readonly string[];
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
 * it would take that library from every page). A name the layout's registration gives to a podlet
 * (registeredOwner(): a grant, or by convention the podlet's registered name) is refused to every
 * other podlet that claims it, with PODMAP_ERR_NAMESPACE_OWNED, and its owner keeps it: no claim
 * by another podlet changes what the owner keeps. A name nobody owns by registration and claimed
 * by two podlets is refused to both (PODMAP_ERR_NAMESPACE_DENIED), so an attacker that registers
 * `aa-evil` before `nav` in name order cannot win by sorting first. An expose outside the owned
 * namespaces, or at a URL that is not http(s) on one of the podlet's `origins`, is left out. Each
 * refusal is returned once, naming the podlet.
 */
export function grantNamespaces(input: NamespaceInput): { podlets: GrantedPodlet[]; refusals: NamespaceRefusal[] } {
  const refusals: NamespaceRefusal[] = [];
  const ownerOf = registeredOwner(input.registered, input.grants);
  const claimants = new Map<string, string[]>();
  for (const podlet of input.podlets) {
    if (podlet.packageName)
      (claimants.get(podlet.packageName) ?? claimants.set(podlet.packageName, []).get(podlet.packageName)!).push(podlet.name);
  }
  const podlets = input.podlets.map((podlet): GrantedPodlet => {
    const refuse = (why: Refusal, detail: string, pkg?: string) =>
      refusals.push({ code: why.code, podlet: podlet.name, detail: `${detail}${why.detail}`, ...(pkg ? { pkg } : {}) });
    // Own keys only: a podlet registered as "constructor" must not be granted Object's constructor.
    const granted = Object.hasOwn(input.grants, podlet.name) ? input.grants[podlet.name]! : [];
    const asked = [...new Set([...(podlet.packageName ? [podlet.packageName] : []), ...granted])];
    const namespaces = asked.filter((name) => {
      const why = refusalOf(name, podlet.name, input.reserved, ownerOf, claimants);
      if (why) refuse(why, `package ${name}: `, name);
      return why === null;
    });
    const exposes: Record<string, string> = {};
    for (const [specifier, url] of Object.entries(podlet.exposes)) {
      if (!namespaces.some((ns) => specifier === ns || specifier.startsWith(`${ns}/`))) {
        refuse(outsideOf(specifier, podlet.name, namespaces, ownerOf), `${specifier} is `);
      } else if (!isAllowedUrl(url, input.origins.get(podlet.name) ?? [])) {
        refusals.push({ code: 'PODMAP_ERR_EXPOSE_URL_REFUSED', podlet: podlet.name, detail: `${specifier} → ${url.slice(0, 200)}` });
      } else exposes[specifier] = url;
    }
    const owned = podlet.packageName !== undefined && namespaces.includes(podlet.packageName);
    return { ...podlet, exposes, packageName: owned ? podlet.packageName : undefined, namespaces };
  });
  return { podlets, refusals };
}

/** Why a claim or an expose was refused: the code, and the reason that follows what was refused in the log line. */
interface Refusal {
  code: 'PODMAP_ERR_NAMESPACE_DENIED' | 'PODMAP_ERR_NAMESPACE_OWNED';
  detail: string;
}

/** Package name → the registered podlet that owns it by the layout's registration, and how. */
type OwnerOf = (name: string) => { podlet: string; how: string } | undefined;

/**
 * Who owns a package name by the layout's registration alone, whatever any podlet claims: the
 * podlet the layout's `namespaces` grants it to; else, by convention, the registered podlet whose
 * name is the package's unscoped name (podlet `auth` owns `auth`, `@podlets/auth`, `@acme/auth`).
 * An explicit grant wins over the convention, so a layout settles a podlet whose package is not
 * named after it by granting the name.
 */
function registeredOwner(registered: readonly string[], grants: Readonly<Record<string, readonly string[]>>): OwnerOf {
  const grantedTo = new Map<string, string>();
  for (const [podlet, names] of Object.entries(grants)) for (const name of names) grantedTo.set(name, podlet);
  const names = new Set(registered);
  return (name) => {
    const granted = grantedTo.get(name);
    if (granted !== undefined) return { podlet: granted, how: "the layout's namespaces option grants it" };
    const unscoped = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
    return names.has(unscoped) && unscoped !== '' ? { podlet: unscoped, how: 'it is registered under that name' } : undefined;
  };
}

/** Why `podlet` may not own `name`, or null if it may. */
function refusalOf(
  name: string,
  podlet: string,
  reserved: ReadonlyMap<string, string>,
  ownerOf: OwnerOf,
  claimants: ReadonlyMap<string, readonly string[]>,
): Refusal | null {
  // A grant or a registered name cannot take a library or a global entry either: that would change every page.
  const why = reserved.get(name);
  if (why !== undefined) return { code: 'PODMAP_ERR_NAMESPACE_DENIED', detail: why };
  const owner = ownerOf(name);
  if (owner !== undefined)
    return owner.podlet === podlet
      ? null
      : { code: 'PODMAP_ERR_NAMESPACE_OWNED', detail: `owned by podlet "${owner.podlet}": ${owner.how}` };
  const others = (claimants.get(name) ?? []).filter((n) => n !== podlet);
  return others.length > 0
    ? {
        code: 'PODMAP_ERR_NAMESPACE_DENIED',
        detail: `also claimed by podlet ${others.map((n) => `"${n}"`).join(', ')}; the layout grants it to neither`,
      }
    : null;
}

/** Why an expose outside `podlet`'s namespaces was refused: inside another podlet's, or just outside its own. */
function outsideOf(specifier: string, podlet: string, namespaces: readonly string[], ownerOf: OwnerOf): Refusal {
  const pkg = packageOfSpecifier(specifier);
  const owner = pkg === null ? undefined : ownerOf(pkg);
  if (owner !== undefined && owner.podlet !== podlet)
    return { code: 'PODMAP_ERR_NAMESPACE_OWNED', detail: `inside ${pkg}, owned by podlet "${owner.podlet}": ${owner.how}` };
  return { code: 'PODMAP_ERR_NAMESPACE_DENIED', detail: `outside the namespaces it owns (${namespaces.join(', ') || 'none'})` };
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
