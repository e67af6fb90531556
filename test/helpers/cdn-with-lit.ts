import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCdnServer, publishInstalledPackages } from '../../runtime/cdn/index.ts';
import { storeFormat } from './store-format.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The store the tests share: everything the demo publishes (lit 3 from the project, lit 2 from
 * the geo podlet, @podmap/browser, es-module-shims), in `.cache/test-store/`. Publishing skips
 * versions already there, so only the first test run on a machine pays for builds and
 * compression; the folder is keyed by the CDN code that publishes (storeFormat).
 */
export const testStoreDir = path.join(root, `.cache/test-store-${storeFormat()}`);

export async function ensureTestStore(): Promise<string> {
  await publishInstalledPackages(testStoreDir, path.join(root, 'podlets/header'), ['lit', '@podmap/browser']);
  await publishInstalledPackages(testStoreDir, path.join(root, 'podlets/geo'), ['lit']);
  await publishInstalledPackages(testStoreDir, path.join(root, 'layouts'), ['es-module-shims']);
  return testStoreDir;
}

/**
 * A real CDN on a free port serving the shared test store, without shaken builds (they would
 * change the shared store and the maps other tests expect); with `copy`, a private copy of it
 * that the test may change (and that `close()` removes).
 */
export async function startCdnWithLit(
  options: { copy?: boolean } = {},
): Promise<{ url: string; storeDir: string; close(): Promise<void> }> {
  let storeDir = await ensureTestStore();
  if (options.copy) {
    const copy = await mkdtemp(path.join(tmpdir(), 'podmap-store-'));
    await cp(storeDir, copy, { recursive: true });
    storeDir = copy;
  }
  // Shaken builds are written into the store, which other tests share: off, as before them.
  const server = createCdnServer({ storeDir, shaken: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    storeDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.copy) await rm(storeDir, { recursive: true, force: true });
    },
  };
}
