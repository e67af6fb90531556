// The podlet's own server, started in-process for the preview's fragment: the dev server asks
// it for its manifest and content exactly as a layout would, so the preview shows what the
// podlet really renders.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PodmapError } from '../shared/errors.ts';

/** The podlet server module's file names, in the order they are looked for. */
export const PODLET_SERVER_FILES = ['server.js', 'server.ts'];

/** The podlet's server, listening on a free loopback port. */
export interface RunningPodlet {
  /** Its Podium name, the name a layout's overrides use. */
  name: string;
  /** Its root URL, ending in "/". */
  url: string;
  /** The HTML of its fragment and the entry modules of its manifest, as `/public/<file>` paths. */
  render(): Promise<{ html: string; entries: string[]; css: string[] }>;
  close(): Promise<void>;
}

interface PodletLike {
  name: string;
  listen(port: number, host?: string): Promise<Server>;
}

/** Imports the podlet's server module and returns its `podlet` export, or throws PODMAP_ERR_DEV_SERVER_MODULE. */
async function importPodlet(podletDir: string): Promise<PodletLike> {
  const file = PODLET_SERVER_FILES.map((name) => path.join(podletDir, name)).find((candidate) => existsSync(candidate));
  if (!file) throw new PodmapError('PODMAP_ERR_DEV_SERVER_MODULE', `no ${PODLET_SERVER_FILES.join(' or ')} in ${podletDir}`);
  let module: { podlet?: Partial<PodletLike> };
  try {
    module = (await import(pathToFileURL(file).href)) as typeof module;
  } catch (error) {
    // A server.ts under plain node fails here too: tsx (node --import tsx) or a compiled server.js is the fix.
    const reason = error instanceof Error ? error.message : String(error);
    throw new PodmapError('PODMAP_ERR_DEV_SERVER_MODULE', `${file} failed to load: ${reason}`, { cause: error });
  }
  const podlet = module.podlet;
  if (typeof podlet?.listen !== 'function' || typeof podlet.name !== 'string') {
    throw new PodmapError('PODMAP_ERR_DEV_SERVER_MODULE', `${file} does not export \`podlet\`, the result of createPodlet()`);
  }
  return podlet as PodletLike;
}

/** "./public@1.2.0/auth.js" or "http://cdn/podlet/auth@1.2.0/auth.js" → "/public/auth.js", the dev server's name for it. */
function devPathOf(value: string): string {
  const inPublic = /\/public(?:@[^/]+)?\/(.+)$/.exec(value);
  return `/public/${inPublic ? inPublic[1] : value.slice(value.lastIndexOf('/') + 1)}`;
}

/**
 * Loads the server module of the podlet in `podletDir` (`server.js`, or `server.ts` when the
 * process runs under tsx), which must export `podlet` (createPodlet's result), and starts it on
 * a free loopback port. Throws PODMAP_ERR_DEV_SERVER_MODULE when the module is missing, fails to
 * load (a build not run yet, a syntax error) or exports no podlet.
 */
export async function startPodletModule(podletDir: string): Promise<RunningPodlet> {
  const podlet = await importPodlet(podletDir);
  const server = await podlet.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    name: podlet.name,
    url,
    async render() {
      const manifest = (await (await fetch(`${url}manifest.json`)).json()) as {
        js?: Array<{ value: string; type?: string }>;
        css?: Array<{ value: string }>;
      };
      const entries = (manifest.js ?? []).filter((s) => s.type === 'module').map((s) => devPathOf(s.value));
      const css = (manifest.css ?? []).map((s) => devPathOf(s.value));
      return { html: await (await fetch(url)).text(), entries, css };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
