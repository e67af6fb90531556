import prettier from 'prettier';
import { renderReadmeFigures, type BenchResults } from './readme-figures.ts';

const MARKER = /<!-- (bench:[\w-]+) -->([\s\S]*?)<!-- \/\1 -->/g;

/**
 * `markdown` with every marked section (`<!-- bench:page -->` … `<!-- /bench:page -->`) holding
 * the figures renderReadmeFigures() makes from `results`, formatted as Prettier formats the file
 * at `filePath`. Text outside the markers is kept as it is. Throws on a section it does not know
 * and on an opening marker without its closing one, so a typo cannot leave figures unchecked.
 */
export async function writeReadmeFigures(markdown: string, results: BenchResults, filePath: string): Promise<string> {
  const figures = renderReadmeFigures(results);
  const opened = [...markdown.matchAll(/<!-- (bench:[\w-]+) -->/g)].map((m) => m[1]!);
  const closed = new Set([...markdown.matchAll(/<!-- \/(bench:[\w-]+) -->/g)].map((m) => m[1]!));
  for (const name of opened) {
    if (!figures.has(name)) throw new Error(`${filePath}: unknown section <!-- ${name} --> (known: ${[...figures.keys()].join(', ')})`);
    if (!closed.has(name)) throw new Error(`${filePath}: <!-- ${name} --> has no <!-- /${name} -->`);
  }
  const filled = markdown.replace(MARKER, (_, name: string) => `<!-- ${name} -->\n\n${figures.get(name)}\n\n<!-- /${name} -->`);
  const options = await prettier.resolveConfig(filePath);
  return prettier.format(filled, { ...options, filepath: filePath });
}

/** The marked sections of `markdown`, by name, with what they hold. */
export function readMarkedSections(markdown: string): Map<string, string> {
  return new Map([...markdown.matchAll(MARKER)].map((m) => [m[1]!, m[2]!.trim()]));
}
