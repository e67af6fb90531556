import { build as runBuild } from 'esbuild';
import { PodmapError } from '../../shared/errors.ts';
import { BUILTIN_MARKER, NODE_ONLY } from '../build/build-markers.ts';
import { esbuildOptions, type EsbuildInput } from './build-shaken-package.ts';
import { finishShakenOutput } from './finish-shaken-output.ts';

/**
 * The esbuild run of one shaken build (buildShakenPackage), in the build process it runs in: its
 * output files as path and text, their unused imports pruned and minified (finishShakenOutput), or PODMAP_ERR_CDN_SHAKEN_FAILED with esbuild's first error, or
 * the Node built-in an entry point reaches. Its time-out is the build process's.
 */
export async function runShakenEsbuild(id: string, build: EsbuildInput): Promise<Array<{ path: string; text: string }>> {
  let result: Awaited<ReturnType<typeof runBuild>>;
  try {
    result = await runBuild(esbuildOptions(id, build));
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_FAILED', describe(error));
  }
  const builtin = Object.values(result.metafile!.outputs)
    .flatMap((o) => o.imports)
    .find((i) => i.path.startsWith(BUILTIN_MARKER));
  if (builtin) throw new PodmapError('PODMAP_ERR_CDN_SHAKEN_FAILED', `${NODE_ONLY} "${builtin.path.slice(BUILTIN_MARKER.length)}"`);
  // esbuild's output files compute `text` in a getter: the plain values are what crosses to the parent.
  const outputs = [];
  for (const file of result.outputFiles ?? [])
    outputs.push({ path: file.path, text: await finishShakenOutput(file.text, build.sideEffectFree) });
  return outputs;
}

function describe(error: unknown): string {
  const first = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors?.[0];
  if (first) return `${first.text}${first.location ? ` (${first.location.file}:${first.location.line})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
