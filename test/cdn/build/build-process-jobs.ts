// Jobs for test/cdn/build/run-in-build-process.test.ts, run in a build process: each does one of the
// things a build can do to the process it runs in.
import { readFile, writeFile } from 'node:fs/promises';
import { transform } from 'esbuild';
import { PodmapError } from '../../../runtime/shared/errors.ts';

/** Answers with what it was given, the process it ran in, its flags, and when (Date.now()). */
export function echo(value: unknown): { value: unknown; pid: number; execArgv: string[]; at: number } {
  return { value, pid: process.pid, execArgv: process.execArgv, at: Date.now() };
}

/** Throws a coded error, as a build that fails does. */
export function failCoded(): never {
  throw new PodmapError('PODMAP_ERR_CDN_BUILD_FAILED', 'the fixture failed');
}

/** Starts esbuild's service, writes its process ids (the worker's children) to `file`, then never answers. */
export async function hangWithEsbuild(file: string): Promise<never> {
  await transform('');
  const children = await readFile(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
  await writeFile(file, JSON.stringify({ pid: process.pid, children: children.trim().split(/\s+/).filter(Boolean).map(Number) }));
  return new Promise<never>(() => {});
}

/** Never answers. */
export function hang(): Promise<never> {
  return new Promise<never>(() => {});
}

/** Dies the way an out-of-memory kill ends a process: at once, without an answer. */
export function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** Stops esbuild's service with input its parser overflows on, and answers as if all were well. */
export async function stopEsbuild(): Promise<string> {
  await transform(`export const a = ${'!'.repeat(262_144)}1;\n`).catch(() => undefined);
  return 'fine';
}
