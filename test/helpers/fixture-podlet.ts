import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AfterHook } from './cleanups.ts';

/**
 * Writes a podlet folder (package.json and compiled public/ modules) into a temp directory that
 * is removed after the test (or by whatever stands in for it: collectCleanups). `modules` maps a
 * path in public/ to its source.
 */
export async function writePodletFolder(
  t: AfterHook,
  options: { name?: string; version?: string; dependencies?: Record<string, string>; modules: Record<string, string> },
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-podlet-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: options.name ?? '@podlets/fixture',
      version: options.version ?? '1.0.0',
      dependencies: options.dependencies ?? {},
    }),
  );
  for (const [file, source] of Object.entries(options.modules)) {
    await mkdir(path.dirname(path.join(dir, 'public', file)), { recursive: true });
    await writeFile(path.join(dir, 'public', file), source);
  }
  return dir;
}
