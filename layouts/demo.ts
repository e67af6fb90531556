import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPodletNames, manifestUrlVariable, portVariable } from './demo-wiring.ts';
import { forkServer, type ForkedServer } from './fork-server.ts';
import { publishDemoAssets } from './publish-demo.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface RunningDemo {
  /** Name → base URL ("http://127.0.0.1:7100/"), for cdn, every podlet and layout. */
  urls: Record<string, string> & { cdn: string; layout: string };
  /** Stops every child process; resolves when all have exited. */
  stop(): Promise<void>;
}

/**
 * Starts the demo: publishes into the store what is missing, then the CDN, the six podlets and
 * the layout server, each a process of its own. Ports come from the environment
 * (PODMAP_*_PORT; `ports` here wins, 0 picks a free port). The launcher passes each server's
 * real URL on to the layout, so free ports work too.
 */
export async function startDemo(
  options: { ports?: Record<string, number>; env?: Record<string, string>; log?: (line: string) => void } = {},
): Promise<RunningDemo> {
  const log = options.log ?? (() => {});
  const storeDir = options.env?.PODMAP_STORE_DIR || process.env.PODMAP_STORE_DIR || path.join(root, 'store');
  const result = await publishDemoAssets(storeDir);
  if (result.published.length > 0) log(`podmap: published ${result.published.join(', ')} into ${storeDir}`);
  const baseEnv: Record<string, string> = { PODMAP_STORE_DIR: storeDir, ...options.env };
  const portEnv = (name: string) => (options.ports?.[name] !== undefined ? { [portVariable(name)]: String(options.ports[name]) } : {});
  const stopping = new AbortController();
  const started: Array<Promise<ForkedServer>> = [];
  const start = (name: string, script: string, env: Record<string, string>, args: string[] = []) => {
    const options = { cwd: root, env: { ...baseEnv, ...env }, args, log, label: name, signal: stopping.signal };
    const server = forkServer(path.join(root, script), options);
    started.push(server);
    return server.then((s) => s.url);
  };
  // Every child, listening or still starting: the signal stops each; this waits until all have exited.
  const stop = async () => {
    stopping.abort();
    await Promise.all(started.map((server) => server.then((s) => s.stop()).catch(() => {})));
  };

  try {
    const cdn = await start('cdn', 'runtime/cdn/main.ts', portEnv('cdn'));
    // Podlets load their modules from the CDN's origin unless PODMAP_PODLET_ASSETS=podlet.
    const assetsEnv: Record<string, string> =
      (options.env?.PODMAP_PODLET_ASSETS ?? process.env.PODMAP_PODLET_ASSETS) === 'podlet' ? {} : { PODMAP_PODLET_CDN_URL: cdn };
    const podletUrls = await Promise.all(
      demoPodletNames.map((name) => start(name, 'layouts/serve-podlet.ts', { ...portEnv(name), ...assetsEnv }, [name])),
    );
    const urls: Record<string, string> = { cdn };
    const layoutEnv: Record<string, string> = { PODMAP_CDN_URL: cdn, ...portEnv('layout') };
    demoPodletNames.forEach((name, i) => {
      urls[name] = podletUrls[i]!;
      layoutEnv[manifestUrlVariable(name)] = `${podletUrls[i]}manifest.json`;
    });
    const layout = await start('layout', 'layouts/server.ts', layoutEnv);
    return { urls: { ...urls, cdn, layout }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
