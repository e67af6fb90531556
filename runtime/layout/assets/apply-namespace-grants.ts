import {
  grantNamespaces,
  packageOfSpecifier,
  type GlobalMapReading,
  type GrantedPodlet,
  type NamespaceRefusal,
  type PodletNeeds,
} from '../../import-map/index.ts';
import { CdnRefusal, type CdnClient } from './create-cdn-client.ts';
import type { PodletClient } from '../podlets/create-podlet-client.ts';

/**
 * Decides, for every registered podlet, the namespaces it owns and the exposes it keeps
 * (grantNamespaces() in import-map/), from what the page composition knows: the global map's
 * packages, and the CDN's answer for each package name a podlet claims (a name the CDN has is a
 * library, and a podlet that took it would take it from every page). `clients` are every
 * registered podlet: their names own namespaces by registration. Returns the refusals for the
 * caller to log (PODMAP_ERR_NAMESPACE_OWNED, PODMAP_ERR_NAMESPACE_DENIED,
 * PODMAP_ERR_EXPOSE_URL_REFUSED, each naming its podlet). A network failure or 5xx of the CDN rejects, like every CDN look-up of a build.
 */
export async function applyNamespaceGrants(input: {
  cdn: CdnClient;
  global: GlobalMapReading;
  /** Every registered podlet, with a manifest or not. */
  clients: readonly PodletClient[];
  known: readonly PodletNeeds[];
  /** Podlet name → package names the layout grants it (createLayout's `namespaces`). */
  granted?: Readonly<Record<string, readonly string[]>>;
}): Promise<{ podlets: GrantedPodlet[]; refusals: NamespaceRefusal[] }> {
  const { cdn, global } = input;
  const reserved = new Map<string, string>();
  const globalSpecifiers = [...Object.keys(global.passThrough), ...global.pins.map((p) => p.specifier), ...global.needs.map((n) => n.pkg)];
  for (const specifier of globalSpecifiers) {
    const pkg = packageOfSpecifier(specifier);
    if (pkg) reserved.set(pkg, 'it is in import-map.json');
  }
  const grants = Object.fromEntries(input.clients.map((c) => [c.name, input.granted?.[c.name] ?? []]));
  const claimed = new Set([...input.known.flatMap((p) => (p.packageName ? [p.packageName] : [])), ...Object.values(grants).flat()]);
  await Promise.all(
    [...claimed]
      .filter((name) => !reserved.has(name))
      .map(async (name) => {
        // A 4xx other than 404 (a name the CDN finds invalid) means it is not a CDN package either.
        const versions = await cdn.versions(name).catch((error: unknown) => {
          if (error instanceof CdnRefusal) return null;
          throw error;
        });
        if (versions) reserved.set(name, 'it is a package on the CDN');
      }),
  );
  const cdnOrigin = new URL(cdn.base).origin;
  const origins = new Map(
    input.clients.flatMap((c) =>
      c.state?.podmap ? [[c.name, [new URL(c.state.podmap.baseUrl).origin, new URL(c.manifestUrl).origin, cdnOrigin]] as const] : [],
    ),
  );
  // Every registered podlet, up or down: a podlet's registration owns its namespace even while its manifest cannot be fetched.
  const registered = input.clients.map((c) => c.name);
  return grantNamespaces({ podlets: input.known, registered, grants, reserved, origins });
}
