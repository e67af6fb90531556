import type { BuildContext } from './run-build.ts';
import { relativeUrl } from './run-build.ts';

/**
 * Writes the output of an entry point whose file the main module re-exports whole: a module that
 * re-exports those names from the main build, so both share one instance.
 */
export function writeEntryModule(context: BuildContext, subpath: string): void {
  const output = context.outputs.get(subpath)!;
  if (context.built.has(output)) return; // another subpath of the same file wrote it
  const names = context.covered.get(context.entries[subpath]!)!;
  const list = [...names].map(([own, main]) => (own === main ? own : `${main} as ${own}`)).join(', ');
  const from = JSON.stringify(relativeUrl(output, context.outputs.get('.')!));
  context.built.set(output, Buffer.from(`export { ${list} } from ${from};\n`));
}
