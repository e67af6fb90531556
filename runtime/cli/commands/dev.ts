import path from 'node:path';
import { startPodletDevServer } from '../../dev/index.ts';
import { parseCommandLine, textOption, type CliCommand } from '../cli-io.ts';

const usage = `usage: podmap dev [--port N] [--layout URL] [folder]
Runs in a podlet's folder (or the one given): a preview page of the podlet's fragment at
http://127.0.0.1:<port>/, with its TypeScript from assets/ served unbundled, transpiled by the
podlet's own typescript, and its dependencies from its own node_modules through an import map.
  --port N       the port (default 8000, or PODMAP_DEV_PORT; 0 picks a free one)
  --layout URL   develop the podlet inside a live layout: prints how to turn on the override
                 that loads this server's modules in that layout's pages, for your browser only`;

/** `podmap dev`: the podlet's preview and its sources, unbundled, until Ctrl+C. */
export const devCommand: CliCommand = {
  summary: 'preview a podlet from its sources, alone or inside a live layout (--layout)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { port: { type: 'string' }, layout: { type: 'string' } }, usage, {
      min: 0,
      max: 1,
    });
    const portText = textOption(values.port) ?? io.env.PODMAP_DEV_PORT;
    const port = portText === undefined ? undefined : Number(portText);
    const podletDir = path.resolve(io.cwd, positionals[0] ?? '.');
    const server = await startPodletDevServer({ podletDir, port, layoutUrl: textOption(values.layout) });
    io.out(`podmap dev: ${path.basename(podletDir)} on ${server.url}`);
    if (server.overrideHelp) io.out(server.overrideHelp);
    io.out('Ctrl+C stops it.');
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
