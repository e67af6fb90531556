import { CdnRefusal, type CdnClient } from './create-cdn-client.ts';

/**
 * package → the versions the CDN has ([] if it does not have the package), and package → the
 * CDN's refusal for the packages whose version list it refused with a 4xx (an invalid name).
 * A network failure or 5xx rejects: that is the CDN, not one package.
 */
export async function fetchAvailableVersions(
  cdn: CdnClient,
  packages: Iterable<string>,
): Promise<{ available: Record<string, string[]>; refused: Map<string, CdnRefusal> }> {
  const unique = [...new Set(packages)];
  const refused = new Map<string, CdnRefusal>();
  const lists = await Promise.all(
    unique.map(async (pkg) => {
      try {
        return (await cdn.versions(pkg))?.versions ?? [];
      } catch (error) {
        if (!(error instanceof CdnRefusal)) throw error;
        refused.set(pkg, error);
        return [];
      }
    }),
  );
  return { available: Object.fromEntries(unique.map((pkg, i) => [pkg, lists[i] ?? []])), refused };
}
