import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publishInstalledPackages } from '../../runtime/cdn/index.ts';
import { storeFormat } from './store-format.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The suite's fixtures: `install/` (the packages, with a lockfile) and `podlets/` (seven podlets that use them). */
export const realPackagesDir = path.join(root, 'test/real-packages');
/** The seven podlets, as folders a team would own, and the text each renders when its packages work. */
export const realPodlets: Record<string, string> = {
  'p-preact': 'preact says 41',
  'p-dates': '2024-02-01',
  'p-legacy': '2024-02-01 ada true',
  'p-streams': '60 true 8',
  'p-react': 'hello react',
  'p-vue': 'hello vue',
  'p-cjs': 'a[b]=c&list[0]=1&list[1]=2 z 23',
};

/**
 * A CDN store with the suite's npm packages, installed from the registry with `npm ci` and
 * published from that folder. Done once per lockfile and CDN code (storeFormat) into `.cache/`,
 * built in a temporary folder and renamed into place, so concurrent callers never see half a
 * store. Returns the store's path and the installed folder.
 */
export async function ensureRealPackagesStore(): Promise<{ storeDir: string; installDir: string }> {
  const lock = await readFile(path.join(realPackagesDir, 'install/package-lock.json'));
  const key = createHash('sha256').update(lock).update(storeFormat()).digest('hex').slice(0, 12);
  const target = path.join(root, '.cache', `real-packages-${key}`);
  const result = { storeDir: path.join(target, 'store'), installDir: path.join(target, 'install') };
  if (await exists(result.storeDir)) return result;
  await mkdir(path.join(root, '.cache'), { recursive: true });
  const work = await mkdtemp(path.join(root, '.cache', 'real-packages-tmp-'));
  try {
    const install = path.join(work, 'install');
    await mkdir(install);
    for (const file of ['package.json', 'package-lock.json'])
      await cp(path.join(realPackagesDir, 'install', file), path.join(install, file));
    await promisify(execFile)('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--no-workspaces'], {
      cwd: install,
      env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: 'true' },
      timeout: 300_000,
    });
    await publishInstalledPackages(path.join(work, 'store'), install);
    await rename(work, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another run finished first: its store is the same.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return result;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
