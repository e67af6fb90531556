import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PodmapError } from '../../shared/errors.ts';
import { kilobytes, parseCommandLine, type CliCommand } from '../cli-io.ts';
import { publishTarget, putToCdn } from '../put-to-cdn.ts';
import { readTarballManifest } from '../read-tarball-manifest.ts';

const usage = `usage: podmap publish-package [--cdn URL] <file.tgz | folder>…
Publishes npm packages (libraries) to an asset CDN over HTTP, each as npm/<name>@<version>:
a tarball as npm pack wrote it, or a package folder (an installed one, node_modules/lit), which
is packed with npm's own packlist first. A version that exists is refused; the rest go on.
  --cdn URL     the CDN (default PODMAP_CDN_URL); the token is PODMAP_CDN_TOKEN`;

/** A package folder packed by `npm pack` (its files, as npm would publish them), into a temporary folder. */
async function packFolder(folder: string): Promise<Buffer> {
  const out = await mkdtemp(path.join(tmpdir(), 'podmap-pack-'));
  try {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out, folder], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    return await readFile(path.join(out, path.basename(filename)));
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `npm pack ${folder} failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** `podmap publish-package`: libraries, over HTTP, under the same token rules as podlets. */
export const publishPackageCommand: CliCommand = {
  summary: 'publish npm packages (a tarball or a package folder) to the CDN',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { cdn: { type: 'string' } }, usage, { min: 1, max: Infinity });
    const target = publishTarget(values.cdn, io.env);
    const failures: string[] = [];
    let firstCode: string | undefined;
    for (const given of positionals) {
      const file = path.resolve(io.cwd, given);
      try {
        const tarball = (await stat(file)).isDirectory() ? await packFolder(file) : await readFile(file);
        const { name, version } = readTarballManifest(tarball, given);
        io.out(`podmap publish-package: ${name}@${version} (${kilobytes(tarball.length)}) to ${target.cdn} …`);
        await putToCdn(target, `npm/${name}@${version}`, tarball);
        io.out(`published ${name}@${version}: ${new URL(`npm/${name}@${version}/`, target.cdn).href}`);
      } catch (error) {
        const { code, message } = error as Error & { code?: string };
        io.err(`podmap: ${code ? `${code}: ` : ''}${given}: ${message}`);
        failures.push(given);
        firstCode ??= code;
      }
    }
    if (failures.length > 0) {
      // Each failure was printed with its own code; the command fails with the first one's.
      const summary = new Error(`${failures.length} of ${positionals.length} not published: ${failures.join(', ')}`) as Error & {
        code?: string;
      };
      summary.code = firstCode;
      throw summary;
    }
  },
};
