import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishDemoAssets } from './publish-demo.ts';
import { demoPodletNames, manifestUrlVariable, portVariable } from './demo-wiring.ts';

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
  const children: ChildProcess[] = [];
  const urls: Record<string, string> = {};
  let cdnUrl = '';
  let layoutUrl = '';
  const baseEnv: Record<string, string> = { ...(process.env as Record<string, string>), PODMAP_STORE_DIR: storeDir, ...options.env };
  const portEnv = (name: string) => (options.ports?.[name] !== undefined ? { [portVariable(name)]: String(options.ports[name]) } : {});

  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
  };

  const start = (name: string, script: string, env: Record<string, string>, args: string[] = []) =>
    new Promise<string>((resolve, reject) => {
      const child = fork(path.join(root, script), args, {
        cwd: root,
        env: { ...baseEnv, ...env },
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      children.push(child);
      child.stdout!.on('data', (d: Buffer) => log(d.toString().trimEnd()));
      child.stderr!.on('data', (d: Buffer) => log(`[${name}] ${d.toString().trimEnd()}`));
      child.on('message', (m: { type?: string; url?: string }) => {
        if (m?.type === 'podmap:listening' && m.url) resolve(m.url);
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`podmap: ${name} exited (${signal ?? code}) before it listened`));
        if (!stopping) log(`podmap: ${name} exited (${signal ?? code})`);
      });
    });

  try {
    cdnUrl = urls.cdn = await start('cdn', 'runtime/cdn/main.ts', portEnv('cdn'));
    // Podlets load their modules from the CDN's origin unless PODMAP_PODLET_ASSETS=podlet.
    const assetsEnv: Record<string, string> =
      (options.env?.PODMAP_PODLET_ASSETS ?? process.env.PODMAP_PODLET_ASSETS) === 'podlet' ? {} : { PODMAP_PODLET_CDN_URL: cdnUrl };
    const podletUrls = await Promise.all(
      demoPodletNames.map((name) => start(name, 'layouts/serve-podlet.ts', { ...portEnv(name), ...assetsEnv }, [name])),
    );
    const layoutEnv: Record<string, string> = { PODMAP_CDN_URL: cdnUrl, ...portEnv('layout') };
    demoPodletNames.forEach((name, i) => {
      urls[name] = podletUrls[i]!;
      layoutEnv[manifestUrlVariable(name)] = `${podletUrls[i]}manifest.json`;
    });
    layoutUrl = urls.layout = await start('layout', 'layouts/server.ts', layoutEnv);
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: { ...urls, cdn: cdnUrl, layout: layoutUrl }, stop };
}
