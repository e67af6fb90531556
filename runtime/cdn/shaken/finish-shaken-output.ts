import { transform } from 'esbuild';
import { packageNameOf } from '../../shared/package-name-of.ts';
import { BASE_OPTIONS } from '../build/run-build.ts';
import { pruneUnusedImports } from './prune-unused-imports.ts';

/**
 * One output of a shaken build, built with its identifiers as written: the imports of other
 * packages it never uses removed (pruneUnusedImports; whole, for a package in `sideEffectFree`),
 * then minified as the full build is. Identifiers are minified only now because the pruning
 * finds a binding's uses by its name, which a minifier would have made one letter long and
 * common.
 */
export async function finishShakenOutput(code: string, sideEffectFree: ReadonlySet<string>): Promise<string> {
  const pruned = pruneUnusedImports(code, (specifier) => sideEffectFree.has(packageNameOf(specifier)));
  const { target, supported, legalComments } = BASE_OPTIONS;
  return (await transform(pruned, { loader: 'js', format: 'esm', minify: true, target, supported, legalComments, logLevel: 'silent' }))
    .code;
}
