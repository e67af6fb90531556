import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, listenFromEnv } from '../server/run-main.ts';
import { createCdnServer } from './index.ts';

/**
 * Runs the asset CDN as a process of its own: store in PODMAP_STORE_DIR (default store/ in the
 * project), port PODMAP_CDN_PORT (default 7700), publish token PODMAP_CDN_TOKEN.
 */
if (isMain(import.meta.url)) {
  const storeDir = process.env.PODMAP_STORE_DIR || path.join(fileURLToPath(new URL('../..', import.meta.url)), 'store');
  const server = createCdnServer({ storeDir, publishToken: process.env.PODMAP_CDN_TOKEN || undefined });
  await listenFromEnv(
    {
      listen: (port, host) =>
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve(server));
        }),
    },
    { name: 'cdn', envVar: 'PODMAP_CDN_PORT', defaultPort: 7700 },
  );
}
