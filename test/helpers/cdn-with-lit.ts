import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCdnServer, publishInstalledPackages } from '../../runtime/cdn/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A real CDN on a free port with a store holding what the demo's podlets use: lit 3 (from the
 * project), lit 2 (from the geo podlet), @podmap/browser and es-module-shims. Call once per
 * test file; `close()` stops it and removes the store.
 */
export async function startCdnWithLit(): Promise<{ url: string; storeDir: string; close(): Promise<void> }> {
  const storeDir = await mkdtemp(path.join(tmpdir(), 'podmap-store-'));
  await publishInstalledPackages(storeDir, path.join(root, 'podlets/header'), ['lit', '@podmap/browser']);
  await publishInstalledPackages(storeDir, path.join(root, 'podlets/geo'), ['lit']);
  await publishInstalledPackages(storeDir, path.join(root, 'layouts'), ['es-module-shims']);
  const server = createCdnServer({ storeDir });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    storeDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
