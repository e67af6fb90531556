import type { PodletClient } from './create-podlet-client.ts';

// The layout's `namespaces` option, by podlet client. The page composer builds a page from its
// clients only, so the grants travel with them: createLayout() records them once at start-up and
// buildPageAssets() reads them, without a new parameter on every function in between.
const granted = new WeakMap<PodletClient, readonly string[]>();

/**
 * Records the package names the layout grants each podlet (the `namespaces` option of
 * createLayout()), on top of its own package name. Validated beforehand by validateLayoutOptions().
 */
export function recordNamespaceGrants(
  clients: ReadonlyMap<string, PodletClient>,
  namespaces: Readonly<Record<string, readonly string[]>> | undefined,
): void {
  for (const [name, names] of Object.entries(namespaces ?? {})) {
    const client = clients.get(name);
    if (client) granted.set(client, [...names]);
  }
}

/** The package names the layout granted this podlet; empty unless createLayout() was given some. */
export function grantedNamespaces(client: PodletClient): readonly string[] {
  return granted.get(client) ?? [];
}
