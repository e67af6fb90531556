import type { DevServerConfig } from '@web/dev-server';

/** The dev server's port when neither `port` nor PODMAP_DEV_PORT says otherwise. */
export declare const DEFAULT_DEV_PORT = 8000;

/**
 * The @web/dev-server config of one podlet's dev server (`npm run dev -w podlets/<name>`): a
 * preview page that renders the podlet's fragment under a native import map, and the podlet's
 * TypeScript served unbundled, with bare specifiers left for the map. `podletDir` holds its
 * package.json, server.ts (exporting `podlet`) and assets/. Port from PODMAP_DEV_PORT, default DEFAULT_DEV_PORT.
 */
export function createPodletDevConfig(options: { podletDir: string; port?: number }): DevServerConfig;
