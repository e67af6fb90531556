import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PodmapError } from '../../shared/errors.ts';
import { parseCommandLine, textOption, type CliCommand } from '../cli-io.ts';
import { podletTemplate } from '../podlet-template.ts';
import { readOwnPackage } from '../read-own-package.ts';

const usage = `usage: podmap init podlet <name> [--dir folder]
Creates a new podlet in ./<name> (or --dir): package.json, a tsconfig.json that extends
@podmap/runtime/tsconfig.browser.json, a lit element in assets/, server.js and a README.
Then: npm install && npm run build && npx podmap dev.`;

const PODLET_NAME = /^[a-z][a-z0-9-]{1,49}$/;

/** `podmap init podlet <name>`: a podlet that builds with tsc, runs with node and passes `podmap publish --dry-run`. */
export const initCommand: CliCommand = {
  summary: 'create a new podlet: podmap init podlet <name>',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { dir: { type: 'string' } }, usage, { min: 2, max: 2 });
    const [kind, name] = positionals as [string, string];
    if (kind !== 'podlet') throw new PodmapError('PODMAP_ERR_CLI_USAGE', `podmap init makes podlets, not "${kind}"\n${usage}`);
    if (!PODLET_NAME.test(name) || name.endsWith('-')) throw new PodmapError('PODMAP_ERR_INIT_BAD_NAME', JSON.stringify(name));
    const dir = path.resolve(io.cwd, textOption(values.dir) ?? name);
    const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      // A file where the folder would go is as much in the way as a folder with files in it.
      if (error.code === 'ENOTDIR') throw new PodmapError('PODMAP_ERR_INIT_EXISTS', `${dir} is a file`);
      throw error;
    });
    if (existing.length > 0) throw new PodmapError('PODMAP_ERR_INIT_EXISTS', dir);
    for (const [file, text] of Object.entries(podletTemplate(name, readOwnPackage().version))) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text, { flag: 'wx' });
      io.out(`  created ${path.relative(io.cwd, path.join(dir, file))}`);
    }
    io.out(
      `podlet ${name} is in ${dir}. Next:\n  cd ${path.relative(io.cwd, dir) || '.'} && npm install && npm run build && npx podmap dev`,
    );
  },
};
