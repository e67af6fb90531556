import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readBenchResults } from '../bench/lib/read-bench-results.ts';
import { renderReadmeFigures } from '../bench/lib/readme-figures.ts';
import { readMarkedSections, writeReadmeFigures } from '../bench/lib/write-readme-figures.ts';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const resultsDir = fileURLToPath(new URL('../bench/results/', import.meta.url));

describe('README.md benchmark figures', () => {
  test('README.md - every marked section - holds what npm run bench:readme makes from bench/results/', async () => {
    const readme = await readFile(readmePath, 'utf8');
    const expected = readMarkedSections(await writeReadmeFigures(readme, await readBenchResults(resultsDir), readmePath));
    const actual = readMarkedSections(readme);
    assert.deepEqual([...actual.keys()].sort(), [...renderReadmeFigures(await readBenchResults(resultsDir)).keys()].sort());
    for (const [name, text] of expected) assert.equal(actual.get(name), text, `<!-- ${name} --> is stale: run npm run bench:readme`);
  });

  test('README.md - the Benchmarks section outside its marked sections - states no measured figure', async () => {
    const readme = await readFile(readmePath, 'utf8');
    const start = readme.indexOf('\n## Benchmarks\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    assert.ok(start !== -1 && section.includes('<!-- bench:page -->'));
    const prose = section.replace(/<!-- (bench:[\w-]+) -->[\s\S]*?<!-- \/\1 -->/g, '');
    const figures = prose.match(/\d[\d.,]*\s?(?:ms|s|min|minutes|KB|MB|B|req\/s|%|×|Mbit\/s)(?![\w/])/g) ?? [];
    assert.deepEqual(figures, [], 'a figure in the hand-written prose goes stale: render it from bench/results/ instead');
  });

  test('writeReadmeFigures() - a result that changed - changes the figure in its section and nothing outside the markers', async () => {
    const results = await readBenchResults(resultsDir);
    const healthy = results.faults.results.find((r) => r.case === 'healthy')!.requestsPerSecond.median;
    const stopped = results.faults.results.find((r) => r.case === 'stopped')!;
    stopped.requestsPerSecond = { ...stopped.requestsPerSecond, median: healthy * 2 };
    const readme = await readFile(readmePath, 'utf8');
    const rewritten = await writeReadmeFigures(readme, results, readmePath);
    assert.match(readMarkedSections(rewritten).get('bench:faults')!, /2\.00× with a podlet stopped/);
    assert.notEqual(readMarkedSections(rewritten).get('bench:faults'), readMarkedSections(readme).get('bench:faults'));
    const outside = (text: string) => text.replace(/<!-- (bench:[\w-]+) -->[\s\S]*?<!-- \/\1 -->/g, '');
    assert.equal(outside(rewritten), outside(readme));
  });

  test('writeReadmeFigures() - an unknown section or one left open - throws, naming it', async () => {
    const results = await readBenchResults(resultsDir);
    await assert.rejects(writeReadmeFigures('<!-- bench:pages -->\n<!-- /bench:pages -->\n', results, readmePath), /bench:pages/);
    await assert.rejects(writeReadmeFigures('<!-- bench:faults -->\n', results, readmePath), /has no <!-- \/bench:faults -->/);
  });
});
