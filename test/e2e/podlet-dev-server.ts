import type { AddressInfo } from 'node:net';
import { startDevServer } from '@web/dev-server';

export type DevServer = Awaited<ReturnType<typeof startDevServer>>;

/** Starts a podlet's dev server (`npm run dev -w podlets/<name>`) with its own config file, in-process, on a free port. */
export async function startPodletDevServer(name: string): Promise<{ server: DevServer; base: string }> {
  const { default: config } = await import(`../../podlets/${name}/web-dev-server.config.js`);
  const server = await startDevServer({
    config: { ...config, port: 0, watch: false },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  return { server, base: `http://127.0.0.1:${(server.server!.address() as AddressInfo).port}/` };
}
