/**
 * The docs' checks over the working tree, run by `npm run lint` after ESLint and Prettier:
 *
 *   node --import tsx test/helpers/check-docs.ts
 *
 * It prints one line per problem and exits 1 when there is any: a repository path that a doc or a
 * comment cites and that does not exist (find-stale-paths.ts), an error code that is never used or
 * not in the catalogue (find-error-code-problems.ts), a benchmark figure in the README or a doc
 * that differs from bench/results/ (bench/lib/write-readme-figures.ts). test/docs.test.ts runs the same.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBenchResults } from '../../bench/lib/read-bench-results.ts';
import { findFigureFiles, readMarkedSections, writeReadmeFigures } from '../../bench/lib/write-readme-figures.ts';
import { errorCatalogue } from '../../runtime/shared/errors.ts';
import { isMain } from '../../runtime/shared/cli/is-main.ts';
import { findErrorCodeProblems } from './find-error-code-problems.ts';
import { findStalePaths } from './find-stale-paths.ts';
import { readRepository, type Repository } from './read-repository.ts';

/** Every problem the docs' checks find in the repository at `root`, as "file:line: what" lines. */
export async function checkDocs(root: string): Promise<string[]> {
  const repository = await readRepository(root);
  const read = (file: string) => readFile(path.join(root, file), 'utf8');
  return [
    ...(await findStalePathsIn(repository, read)),
    ...(await findErrorCodeProblemsIn(repository, read)),
    ...(await findStaleFigures(root)),
  ];
}

type Read = (file: string) => Promise<string>;

/** Markdown (but the benchmarks' generated results), TypeScript and JavaScript, and shell scripts. */
function citesPaths(file: string): boolean {
  if (file.startsWith('bench/results/')) return false;
  return /\.(md|[cm]?[jt]s|sh)$/.test(file) || !path.posix.basename(file).includes('.');
}

async function findStalePathsIn(repository: Repository, read: Read): Promise<string[]> {
  const problems: string[] = [];
  for (const file of repository.files.filter(citesPaths)) {
    for (const { line, cited } of findStalePaths(file, await read(file), repository)) {
      problems.push(`${file}:${line}: cites ${cited}, which is not in the repository`);
    }
  }
  return problems;
}

async function findErrorCodeProblemsIn(repository: Repository, read: Read): Promise<string[]> {
  const sources = new Map<string, string>();
  for (const file of repository.files) {
    if (/^runtime\/.*\.[cm]?[jt]s$/.test(file) && file !== 'runtime/shared/errors.ts') sources.set(file, await read(file));
  }
  const problems = findErrorCodeProblems({ catalogue: errorCatalogue, doc: await read('docs/errors.md'), sources });
  return problems.map((problem) => `runtime/shared/errors.ts: ${problem}`);
}

async function findStaleFigures(root: string): Promise<string[]> {
  const results = await readBenchResults(path.join(root, 'bench/results'));
  const problems: string[] = [];
  for (const file of await findFigureFiles(root)) {
    const text = await readFile(path.join(root, file), 'utf8');
    const expected = readMarkedSections(await writeReadmeFigures(text, results, path.join(root, file)));
    const actual = readMarkedSections(text);
    for (const [name, figures] of expected) {
      if (actual.get(name) !== figures)
        problems.push(`${file}: <!-- ${name} --> differs from what bench/results/ says: run npm run bench:readme`);
    }
  }
  return problems;
}

if (isMain(import.meta.url)) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const problems = await checkDocs(root);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`docs: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    process.exitCode = 1;
  } else console.log('docs: every cited path exists, every error code is used and listed, every figure matches bench/results/');
}
