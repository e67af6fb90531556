/**
 * Rewrites the README's benchmark figures from the committed results: every section between
 * `<!-- bench:… -->` markers is made again from bench/results/*.json (bench/lib/readme-figures.ts).
 * Run it after a benchmark; test/docs.test.ts fails while the README and the results differ.
 *
 *   npm run bench:readme
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readBenchResults } from './lib/read-bench-results.ts';
import { readMarkedSections, writeReadmeFigures } from './lib/write-readme-figures.ts';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const results = await readBenchResults(fileURLToPath(new URL('results/', import.meta.url)));
const before = await readFile(readmePath, 'utf8');
const after = await writeReadmeFigures(before, results, readmePath);
const old = readMarkedSections(before);
const changed = [...readMarkedSections(after)].filter(([name, text]) => old.get(name) !== text).map(([name]) => name);
if (after !== before) await writeFile(readmePath, after);
console.log(changed.length > 0 ? `README.md: rewrote ${changed.join(', ')}` : 'README.md: its figures already match bench/results/');
