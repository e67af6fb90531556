import type { DevServerConfig } from '@web/dev-server';

/**
 * The @web/dev-server config of one podlet's dev server (`npm run dev -w podlets/<name>`): a
 * preview page that renders the podlet's fragment under a native import map, and the podlet's
 * TypeScript served unbundled, with bare specifiers left for the map. `podletDir` holds its
 * package.json, server.ts (exporting `podlet`) and assets/. Port from PODMAP_DEV_PORT, default 8000.
 */
export function createPodletDevConfig(options: { podletDir: string; port?: number }): DevServerConfig;
