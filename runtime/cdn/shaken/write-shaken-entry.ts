import { findStarReexports } from '../build/find-star-reexports.ts';
import type { DependencyFacts } from './read-dependency-facts.ts';
import type { ReadDependencyExports, SplitNames } from './split-star-names.ts';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `export { a, "b-c" } from "<target>"`, or `import "<target>"` for an entry imported only to run
 * it; with `split`, the names the target passes on from other packages are taken from those
 * packages directly (splitStarNames), after the target has run.
 */
export function writeShakenEntry(target: string, names: readonly string[], split: SplitNames | null = null): string {
  if (names.length === 0) return `import ${JSON.stringify(target)};\n`;
  if (!split) return `export { ${listOf(names)} } from ${JSON.stringify(target)};\n`;
  let entry =
    split.local.length > 0 ? `export { ${listOf(split.local)} } from ${JSON.stringify(target)};\n` : `import ${JSON.stringify(target)};\n`;
  for (const { specifier, names: forwarded } of split.forwarded)
    entry += `export { ${listOf(forwarded)} } from ${JSON.stringify(specifier)};\n`;
  return entry;
}

function listOf(names: readonly string[]): string {
  return names.map((n) => (IDENTIFIER.test(n) || n === 'default' ? n : JSON.stringify(n))).join(', ');
}

/** The facts' entry points as splitStarNames reads them. */
export function exportsReader(facts: DependencyFacts): ReadDependencyExports {
  return async (specifier) => {
    const found = Object.hasOwn(facts.exports, specifier) ? facts.exports[specifier] : undefined;
    return found ? { names: new Set(found.names), stars: found.stars } : null;
  };
}

/** `export * from '<other package>'` lines an entry passes on whole, where splitting moved them into a chunk. */
export function missingStars(own: string, source: string, files: ReadonlyMap<string, Buffer>, code: string): string {
  let lines = '';
  for (const specifier of findStarReexports(source, files)) {
    if (specifier === own || specifier.startsWith(`${own}/`)) continue;
    const quoted = JSON.stringify(specifier);
    if (!code.includes(`export*from${quoted}`) && !code.includes(`export * from ${quoted}`)) lines += `export*from${quoted};\n`;
  }
  return lines;
}
