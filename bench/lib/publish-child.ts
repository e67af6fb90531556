/**
 * Child process of bench/cdn.ts's publish benchmark: publishes one tarball through the CDN
 * of one checkout and reports how long it took. Forked with `--import tsx` and
 *
 *   argv: <runtime/cdn/index.ts of the checkout> <store folder> <warm-up .tgz> <measured .tgz> <its file count>
 *
 * It first publishes the small warm-up tarball into the same empty store, so the measured
 * publish finds the code compiled, esbuild's service started (where the checkout has one) and
 * the store indexed, as a CDN that has published before does. Then it times publishTarball() of
 * the measured tarball alone, by the wall clock and in CPU time of this process and the processes
 * it started (processTreeCpuMs: the zlib and fs thread pool, esbuild), reads back the version's
 * meta.json to check that every file was stored, and sends `{ ms, cpuMs, files, built,
 * maxRssMiB }` to the parent over IPC, or `{ error }`.
 * Each publish runs in a fresh process, so no run inherits another's heap or caches.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { processTreeCpuMs } from './process-cpu.ts';

const [cdnIndex, storeDir, warmTarball, tarball, count] = process.argv.slice(2);
const expected = Number(count);

try {
  if (!cdnIndex || !storeDir || !warmTarball || !tarball || !(expected > 0)) {
    throw new Error('usage: publish-child.ts <cdn index.ts> <store> <warm-up.tgz> <tarball.tgz> <file count>');
  }
  // Both versions export publishTarball(storeDir, tgzPath) from runtime/cdn/index.ts.
  const { publishTarball } = (await import(pathToFileURL(cdnIndex).href)) as {
    publishTarball(storeDir: string, tgzPath: string): Promise<{ name: string; version: string }>;
  };
  await publishTarball(storeDir, warmTarball);
  const cpuBefore = processTreeCpuMs(process.pid);
  const started = performance.now();
  const { name, version } = await publishTarball(storeDir, tarball);
  const ms = performance.now() - started;
  const cpuMs = processTreeCpuMs(process.pid) - cpuBefore;
  // Not timed: the store must hold every file of the tarball, beside the browser build (+/) if any.
  const meta = JSON.parse(await readFile(join(storeDir, 'npm', `${name}@${version}`, 'meta.json'), 'utf8')) as {
    files: Record<string, unknown>;
  };
  const paths = Object.keys(meta.files);
  const built = paths.filter((path) => path.startsWith('+/')).length;
  if (paths.length - built !== expected)
    throw new Error(`${name}@${version}: ${paths.length - built} files stored, ${expected} in the tarball`);
  process.send!({ ms, cpuMs, files: expected, built, maxRssMiB: process.resourceUsage().maxRSS / 1024 });
} catch (error) {
  process.send!({ error: error instanceof Error ? `${error.message}` : String(error) });
}
process.disconnect();
