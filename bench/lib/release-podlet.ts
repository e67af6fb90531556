import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { publishPodletRelease } from '../../runtime/cdn/index.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';

/**
 * A new release of the demo's footer podlet, as a podlet team ships one: its public/ and
 * package.json copied under `workDir` with `version`, its module changed (one line that marks
 * the release), published into the CDN store, and a podlet server for it whose modules are on
 * the CDN at `cdnUrl`. Returns the new podlet's handler, to put in place of the old one.
 */
export async function releaseFooter(
  root: string,
  workDir: string,
  storeDir: string,
  cdnUrl: string,
  version: string,
): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const dir = await mkdtemp(join(workDir, 'footer-'));
  await cp(join(root, 'podlets/footer/public'), join(dir, 'public'), { recursive: true });
  const pkg = JSON.parse(await readFile(join(root, 'podlets/footer/package.json'), 'utf8')) as { version: string };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  const module = join(dir, 'public/footer.js');
  await writeFile(
    module,
    `${await readFile(module, 'utf8')}\ndocument.documentElement.dataset.footerRelease = ${JSON.stringify(version)};\n`,
  );
  await publishPodletRelease(storeDir, 'footer', version, join(dir, 'public'));
  const podlet = await createPodlet({
    name: 'footer',
    packageDir: dir,
    cdnUrl,
    entries: ['footer.js'],
    content: () => '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>',
    fallback: () => '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
  });
  return podlet.handle;
}
