/**
 * Rewrites the benchmark figures of README.md and of the docs that mark some from the committed
 * results: every section between `<!-- bench:… -->` markers is made again from
 * bench/results/*.json (bench/lib/readme-figures.ts, bench/lib/doc-figures.ts). Run it after a
 * benchmark; test/docs.test.ts and `npm run lint` fail while a file and the results differ.
 *
 *   npm run bench:readme
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBenchResults } from './lib/read-bench-results.ts';
import { findFigureFiles, readMarkedSections, writeReadmeFigures } from './lib/write-readme-figures.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = await readBenchResults(path.join(root, 'bench/results'));
for (const file of await findFigureFiles(root)) {
  const filePath = path.join(root, file);
  const before = await readFile(filePath, 'utf8');
  const after = await writeReadmeFigures(before, results, filePath);
  const old = readMarkedSections(before);
  const changed = [...readMarkedSections(after)].filter(([name, text]) => old.get(name) !== text).map(([name]) => name);
  if (after !== before) await writeFile(filePath, after);
  console.log(changed.length > 0 ? `${file}: rewrote ${changed.join(', ')}` : `${file}: its figures already match bench/results/`);
}
