// `podmap dev`: one podlet's dev server, a plain node:http server that needs nothing from the
// repository it may sit in — the podlet's folder, its node_modules and its own `typescript`.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createConfigError } from '../shared/errors.ts';
import { listenOn } from '../shared/listen-on.ts';
import { createAssetTranspiler } from './create-asset-transpiler.ts';
import { createDevImportMap } from './create-dev-import-map.ts';
import { createDevRequestHandler } from './create-dev-request-handler.ts';
import { describeOverride } from './describe-override.ts';
import { startPodletModule } from './start-podlet-module.ts';

/** The dev server's port when neither `port` nor PODMAP_DEV_PORT says otherwise. */
export const DEFAULT_DEV_PORT = 8000;

/** The dev server's host when `host` does not say otherwise: loopback, this machine only. */
export const DEFAULT_DEV_HOST = '127.0.0.1';

/** What startPodletDevServer() takes. */
export interface PodletDevServerOptions {
  /** The podlet's folder: package.json, server.js or server.ts, assets/ (TypeScript) and public/ (built). */
  podletDir: string;
  /** Default: PODMAP_DEV_PORT, else DEFAULT_DEV_PORT; 0 picks a free port. */
  port?: number;
  /** Default DEFAULT_DEV_HOST. */
  host?: string;
  /** A live layout to try the podlet in: the result's `overrideHelp` says how. */
  layoutUrl?: string;
}

/** A running dev server. */
export interface PodletDevServer {
  /** The preview page's URL, ending in "/". */
  url: string;
  /** Stops the dev server and the podlet's own server. */
  close(): Promise<void>;
  /** With `layoutUrl`: how to load this podlet from the dev server in that layout (the override cookie). */
  overrideHelp?: string;
}

function portOf(port: number | undefined): number {
  const value = port ?? (process.env.PODMAP_DEV_PORT ? Number(process.env.PODMAP_DEV_PORT) : DEFAULT_DEV_PORT);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw createConfigError('PODMAP_ERR_CONFIG_PORT', `dev port ${port ?? process.env.PODMAP_DEV_PORT}`, RangeError);
  return value;
}

/**
 * Starts the dev server of the podlet in `podletDir`. `/` is a preview page: the podlet's
 * fragment (from its server module, started in-process on a free port) under a native import
 * map of its dependencies as installed in its node_modules. `/public/<file>.js` is
 * `assets/<file>.ts` compiled per request by the podlet's own `typescript`, unbundled; a live
 * layout can load those URLs through an override (docs/overrides.md). Rejects with
 * PODMAP_ERR_DEV_TYPESCRIPT_MISSING, PODMAP_ERR_DEV_TSCONFIG, PODMAP_ERR_DEV_SERVER_MODULE,
 * PODMAP_ERR_CONFIG_PORT or PODMAP_ERR_CONFIG_OPTION (a `layoutUrl` that is not http(s)), and
 * with the listen error when the port is taken. Warnings (a dependency not installed) go to the
 * server log here and to the page's console on each load.
 */
export async function startPodletDevServer(options: PodletDevServerOptions): Promise<PodletDevServer> {
  const podletDir = path.resolve(options.podletDir);
  const port = portOf(options.port);
  const host = options.host ?? DEFAULT_DEV_HOST;
  // Checked before anything starts, so a wrong option leaves nothing running.
  if (options.layoutUrl !== undefined) describeOverride({ name: 'x', devUrl: 'http://127.0.0.1/', layoutUrl: options.layoutUrl });
  const transpile = existsSync(path.join(podletDir, 'assets')) ? createAssetTranspiler(podletDir) : null;
  const podlet = await startPodletModule(podletDir);
  try {
    const { packages, warnings } = createDevImportMap(podletDir);
    for (const warning of warnings) console.warn(warning);
    const server = createServer(createDevRequestHandler({ podletDir, podlet, transpile, packages }));
    await listenOn(server, port, host);
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${(server.address() as AddressInfo).port}/`;
    const close = async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await podlet.close();
    };
    if (options.layoutUrl === undefined) return { url, close };
    return { url, close, overrideHelp: describeOverride({ name: podlet.name, devUrl: url, layoutUrl: options.layoutUrl }) };
  } catch (error) {
    await podlet.close();
    throw error;
  }
}
