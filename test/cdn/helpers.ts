import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create as createTar } from 'tar';
import { createCdnServer, type CdnOptions, type ShakenAnswer, type ShakenRequest, type ShakenService } from '../../runtime/cdn/index.ts';
import type { AfterHook } from '../helpers/cleanups.ts';

/** The project root, where node_modules/lit (3.3.3) lives. */
export const projectRoot = new URL('../../', import.meta.url).pathname;

/** A fresh empty folder under the OS temp dir, removed after the test. */
export async function makeTempDir(t: AfterHook, prefix = 'podmap-cdn-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts createCdnServer on 127.0.0.1, port 0; closed after the test. Returns its origin. */
export async function startCdn(t: AfterHook, options: CdnOptions): Promise<string> {
  const server = createCdnServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes a package folder from `files` (path → text) and packs it like `npm pack` (package/…). */
export async function packFixture(dir: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, 'src', 'package');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const manifest = JSON.parse(files['package.json']!) as { name: string; version: string };
  const tgz = join(dir, `${manifest.name.replace('/', '-')}-${manifest.version}.tgz`);
  await createTar({ gzip: true, file: tgz, cwd: join(dir, 'src'), portable: true }, ['package']);
  await rm(join(dir, 'src'), { recursive: true });
  return tgz;
}

/** package.json text for a fixture package. */
export function manifestOf(name: string, version: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name, version, type: 'module', ...extra });
}

/** GET without following redirects. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers });
}

/**
 * Every folder, file (its bytes, base64) and link (its target) below `root`, `.staging/` and the index
 * included, by relative path; {} for a missing folder. Two equal snapshots: a store unchanged.
 */
export async function snapshotStore(root: string, prefix = ''): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const entries = await readdir(join(root, prefix)).catch(() => [] as string[]);
  for (const entry of entries.sort()) {
    const path = prefix ? `${prefix}/${entry}` : entry;
    const info = await lstat(join(root, path));
    if (info.isSymbolicLink()) found[path] = `-> ${await readlink(join(root, path))}`;
    else if (info.isDirectory()) Object.assign(found, { [`${path}/`]: 'folder' }, await snapshotStore(root, path));
    else found[path] = (await readFile(join(root, path))).toString('base64');
  }
  return found;
}

/** Asks for shaken builds until nothing is pending (each round builds one level of the package graph); the answer and the rounds it took. */
export async function settleShaken(
  service: ShakenService,
  request: ShakenRequest,
  maxRounds = 8,
): Promise<{ answer: ShakenAnswer; rounds: number }> {
  for (let rounds = 1; rounds <= maxRounds; rounds++) {
    const answer = await service.answer(request);
    if (!Object.values(answer.builds).some((b) => b.status === 'pending')) return { answer, rounds };
    await service.idle();
  }
  throw new Error('shaken builds did not settle');
}
