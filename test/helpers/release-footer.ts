import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishPodletRelease } from '../../runtime/cdn/index.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';

const footerDir = fileURLToPath(new URL('../../podlets/footer/', import.meta.url));

/**
 * A new release of the demo's footer podlet, as its team ships one: its public/ and package.json
 * copied into a new folder under `workDir` with `version`, its module changed by one line that sets
 * `document.documentElement.dataset.footerRelease` to `marker` (default: the version), published
 * into the CDN store at `storeDir`, and a podlet for it whose modules are on the CDN at `cdnUrl`.
 * Returns the new podlet's handler, to put in place of the old one (the layout learns the release
 * from its podlet-version on the next page it composes). The caller removes `workDir`.
 */
export async function releaseFooter(options: {
  workDir: string;
  storeDir: string;
  cdnUrl: string;
  version: string;
  marker?: string;
}): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const { version } = options;
  const dir = await mkdtemp(path.join(options.workDir, 'footer-'));
  await cp(path.join(footerDir, 'public'), path.join(dir, 'public'), { recursive: true });
  const pkg = JSON.parse(await readFile(path.join(footerDir, 'package.json'), 'utf8')) as { version: string };
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  const module = path.join(dir, 'public/footer.js');
  const mark = `document.documentElement.dataset.footerRelease = ${JSON.stringify(options.marker ?? version)};`;
  await writeFile(module, `${await readFile(module, 'utf8')}\n${mark}\n`);
  await publishPodletRelease(options.storeDir, 'footer', version, path.join(dir, 'public'));
  const podlet = await createPodlet({
    name: 'footer',
    packageDir: dir,
    cdnUrl: options.cdnUrl,
    entries: ['footer.js'],
    content: () => '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>',
    fallback: () => '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
  });
  return podlet.handle;
}
