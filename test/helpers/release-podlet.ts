import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishPodletRelease } from '../../runtime/cdn/index.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';

// What the demo's podlets with modules answer, as their server.ts does ('client' mode: the modules render them).
const demoPodlets = {
  footer: {
    content: '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>',
    fallback: '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
  },
  header: {
    content: '<podlet-header><a href="/">Podmap Travel</a></podlet-header>',
    fallback: '<header class="podlet-fallback"><a href="/">Podmap Travel</a></header>',
  },
};

/** A demo podlet that `releasePodlet` can release. */
export type ReleasablePodlet = keyof typeof demoPodlets;

/**
 * A new release of one of the demo's podlets (`name`: footer or header), as its team ships one: its
 * public/ and package.json copied into a new folder under `workDir` with `version`, its module
 * (public/<name>.js) changed by one line that sets `document.documentElement.dataset.<name>Release`
 * (footerRelease, headerRelease) to `marker` (default: the version), published
 * into the CDN store at `storeDir`, and a podlet for it whose modules are on the CDN at `cdnUrl`.
 * Returns the new podlet's handler, to put in place of the old one (the layout learns the release
 * from its podlet-version on the next page it composes). The caller removes `workDir`.
 */
export async function releasePodlet(options: {
  name: ReleasablePodlet;
  workDir: string;
  storeDir: string;
  cdnUrl: string;
  version: string;
  marker?: string;
  /** How the release reaches the store; default publishPodletRelease into `storeDir`. */
  publish?: (publicDir: string) => Promise<void>;
}): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const { name, version } = options;
  const podletDir = fileURLToPath(new URL(`../../podlets/${name}/`, import.meta.url));
  const dir = await mkdtemp(path.join(options.workDir, `${name}-`));
  await cp(path.join(podletDir, 'public'), path.join(dir, 'public'), { recursive: true });
  const pkg = JSON.parse(await readFile(path.join(podletDir, 'package.json'), 'utf8')) as { version: string };
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  const module = path.join(dir, 'public', `${name}.js`);
  const mark = `document.documentElement.dataset.${name}Release = ${JSON.stringify(options.marker ?? version)};`;
  await writeFile(module, `${await readFile(module, 'utf8')}\n${mark}\n`);
  await (options.publish ?? ((publicDir) => publishPodletRelease(options.storeDir, name, version, publicDir)))(path.join(dir, 'public'));
  const podlet = await createPodlet({
    name,
    packageDir: dir,
    cdnUrl: options.cdnUrl,
    entries: [`${name}.js`],
    content: () => demoPodlets[name].content,
    fallback: () => demoPodlets[name].fallback,
  });
  return podlet.handle;
}
