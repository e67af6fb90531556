import { readFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import { walkFiles } from '../../runtime/shared/files/walk-files.ts';
import type { BenchResults } from './read-bench-results.ts';
import { renderDocFigures } from './doc-figures.ts';
import { renderReadmeFigures } from './readme-figures.ts';

const MARKER = /<!-- (bench:[\w-]+) -->([\s\S]*?)<!-- \/\1 -->/g;

/**
 * `markdown` (README.md, or a doc in docs/) with every marked section (`<!-- bench:page -->` …
 * `<!-- /bench:page -->`) holding the figures renderReadmeFigures() or renderDocFigures() make
 * from `results`, formatted as Prettier formats the file at `filePath`. Text outside the markers
 * is kept as it is. Throws on a section it does not know
 * and on an opening marker without its closing one, so a typo cannot leave figures unchecked.
 */
export async function writeReadmeFigures(markdown: string, results: BenchResults, filePath: string): Promise<string> {
  const figures = new Map([...renderReadmeFigures(results), ...renderDocFigures(results)]);
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

/** The files that hold generated figures: README.md and every Markdown file in docs/ with a marker, relative to `root`. */
export async function findFigureFiles(root: string): Promise<string[]> {
  const docs = (await walkFiles(path.join(root, 'docs'))).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`);
  const marked: string[] = [];
  for (const file of docs) if ((await readFile(path.join(root, file), 'utf8')).includes('<!-- bench:')) marked.push(file);
  return ['README.md', ...marked];
}
