import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PodmapError } from '../../shared/errors.ts';
import { kilobytes, parseCommandLine, textOption, type CliCommand, type CliIo } from '../cli-io.ts';
import { collectInstalledDependencies } from '../collect-installed-dependencies.ts';
import { publishTarget, putToCdn, type PublishTarget } from '../put-to-cdn.ts';
import { readTarballManifest } from '../read-tarball-manifest.ts';

const usage = `usage: podmap publish-package [--cdn URL] [--with-dependencies] <file.tgz | folder>…
Publishes npm packages (libraries) to an asset CDN over HTTP, each as npm/<name>@<version>:
a tarball as npm pack wrote it, or a package folder (an installed one, node_modules/lit), which
is packed with npm's own packlist first. A version that exists is refused; the rest go on.
  --cdn URL              the CDN (default PODMAP_CDN_URL); the token is PODMAP_CDN_TOKEN
  --with-dependencies    also each folder's dependencies, as installed, transitively (what the
                         CDN needs to build the package's import map); those already on the CDN
                         are skipped`;

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

/** One tarball or folder to the CDN; a version already there is only a failure when it was asked for by name. */
async function publishOne(target: PublishTarget, file: string, label: string, existingIsFine: boolean, io: CliIo): Promise<void> {
  const found = await stat(file).catch(() => undefined);
  if (!found) throw new PodmapError('PODMAP_ERR_PUBLISH_PACKAGE_JSON', `${file}: no such tarball or folder`);
  const tarball = found.isDirectory() ? await packFolder(file) : await readFile(file);
  const { name, version } = readTarballManifest(tarball, label);
  io.out(`podmap publish-package: ${name}@${version} (${kilobytes(tarball.length)}) to ${target.cdn} …`);
  try {
    await putToCdn(target, `npm/${name}@${version}`, tarball);
  } catch (error) {
    if (!existingIsFine || (error as { code?: string }).code !== 'PODMAP_ERR_CDN_VERSION_EXISTS') throw error;
    io.out(`${name}@${version} is on the CDN already`);
    return;
  }
  io.out(`published ${name}@${version}: ${new URL(`npm/${name}@${version}/`, target.cdn).href}`);
}

/** `podmap publish-package`: libraries, over HTTP, under the same token rules as podlets. */
export const publishPackageCommand: CliCommand = {
  summary: 'publish npm packages (a tarball or a package folder) to the CDN',
  usage,
  async run(args, io) {
    const options = { cdn: { type: 'string' }, 'with-dependencies': { type: 'boolean' } } as const;
    const { values, positionals } = parseCommandLine(args, options, usage, { min: 1, max: Infinity });
    const target = publishTarget(textOption(values.cdn), io.env);
    const given = positionals.map((label) => ({ label, file: path.resolve(io.cwd, label), dependency: false }));
    if (values['with-dependencies']) {
      const folders = given.filter((g) => statSync(g.file, { throwIfNoEntry: false })?.isDirectory()).map((g) => g.file);
      for (const dir of collectInstalledDependencies(folders))
        given.push({ label: path.relative(io.cwd, dir), file: dir, dependency: true });
    }
    const failures: Array<{ label: string; code: string | undefined }> = [];
    for (const { label, file, dependency } of given) {
      try {
        await publishOne(target, file, label, dependency, io);
      } catch (error) {
        const { code, message } = error as Error & { code?: string };
        io.err(`podmap: ${code ? `${code}: ` : ''}${label}: ${message}`);
        failures.push({ label, code });
      }
    }
    if (failures.length > 0) {
      // Each failure was printed with its own code; the command fails with the first one's.
      const summary = new Error(`${failures.length} of ${given.length} not published: ${failures.map((f) => f.label).join(', ')}`);
      throw Object.assign(summary, { code: failures[0]!.code });
    }
  },
};
