import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readBenchResults } from '../bench/lib/read-bench-results.ts';
import { renderDocFigures } from '../bench/lib/doc-figures.ts';
import { renderReadmeFigures } from '../bench/lib/readme-figures.ts';
import { findFigureFiles, readMarkedSections, writeReadmeFigures } from '../bench/lib/write-readme-figures.ts';
import { checkDocs } from './helpers/check-docs.ts';
import { findStalePaths } from './helpers/find-stale-paths.ts';
import { readRepository, type Repository } from './helpers/read-repository.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const resultsDir = fileURLToPath(new URL('../bench/results/', import.meta.url));

const tree: Repository = {
  files: [
    'README.md',
    'docs/cdn.md',
    'docs/decisions/0001-podmap-json-beside-the-manifest.md',
    'runtime/ARCHITECTURE.md',
    'runtime/cdn/index.ts',
    'runtime/shared/errors.ts',
    'podlets/auth/server.ts',
    'podlets/geo/server.ts',
    'test/docs.test.ts',
    'test/e2e/hostile-load.test.ts',
    'test/shared/errors.test.ts',
    '.ci/run',
  ],
  ignoredFolders: ['public', 'node_modules'],
};
const cited = (file: string, text: string) => findStalePaths(file, text, tree).map((stale) => `${stale.line}: ${stale.cited}`);

describe('findStalePaths()', () => {
  test('a doc citing a file that moved - reports the path and the line that cites it', () => {
    const doc = '# Errors\n\nThe catalogue is `runtime/shared/errors.ts`;\n`test/server/errors.test.ts` keeps this page in step.\n';
    assert.deepEqual(cited('docs/errors.md', doc), ['4: test/server/errors.test.ts']);
  });

  test('TypeScript - reads comments only: a path in a string, a template or a regular expression is code', () => {
    const source = [
      '/** The cookie the layout reads (runtime/layout/overrides/parse-overrides-cookie.ts). */',
      "const file = 'runtime/server/gone.ts';",
      'const url = `https://example.com/${file}`; // see test/server/…',
      'const pattern = /\\/\\/ runtime\\/server\\/x.ts/;',
      'function f() {',
      '  // runtime/cdn/index.ts is the entry; runtime/cdn/old.ts is not',
      '}',
    ].join('\n');
    assert.deepEqual(cited('runtime/x.ts', source), [
      '1: runtime/layout/overrides/parse-overrides-cookie.ts',
      '3: test/server/…',
      '6: runtime/cdn/old.ts',
    ]);
  });

  test('globs, placeholders and braces - pass when they match something, fail when nothing matches', () => {
    const doc =
      '`test/*.test.ts`, `test/**/*.test.ts`, `podlets/<name>/server.ts`, `runtime/{shared,cdn}/`\n`test/*.spec.ts`, `podlets/<name>/index.ts`, `runtime/{shared,gone}/`\n';
    assert.deepEqual(cited('README.md', doc), ['2: test/*.spec.ts', '2: podlets/<name>/index.ts', '2: runtime/gone/']);
  });

  test('elisions, line suffixes and sentence ends - are not part of the path', () => {
    const doc =
      'See test/e2e/hostile-… and runtime/cdn/... and runtime/cdn/index.ts:84 and docs/cdn.md.\nNot test/server/… nor runtime/cdn/index.ts:84-90x.\n';
    assert.deepEqual(cited('README.md', doc), ['2: test/server/…']);
  });

  test('a trailing slash - asks for a folder', () => {
    assert.deepEqual(cited('README.md', '`runtime/cdn/` and `runtime/cdn/index.ts/`'), ['1: runtime/cdn/index.ts/']);
  });

  test('Markdown links - are relative to the doc; URLs and anchors are not paths; leaving the repository is stale', () => {
    const doc = [
      '[architecture](../runtime/ARCHITECTURE.md), [urls](cdn.md#urls), [up](#top), [site](https://example.com/x.md)',
      '[gone](missing.md) and [outside](../../elsewhere/PLANS.md)',
      '[ref]: decisions/0001-podmap-json-beside-the-manifest.md',
    ].join('\n');
    assert.deepEqual(cited('docs/guide.md', doc), ['2: missing.md', '2: ../../elsewhere/PLANS.md']);
  });

  test('what only looks like a path - a package specifier, a URL, a path inside another folder - is left alone', () => {
    const doc =
      '`@podmap/runtime/layout`, https://example.com/test/x.ts, node_modules/lit/test/y.js, `/npm/runtime/x`, ~/test/x.ts, $HOME/test/y\n';
    assert.equal(cited('README.md', doc).length, 0);
    // The check itself found something to judge: the same text with a stale path in it is reported.
    assert.deepEqual(cited('README.md', `${doc}and test/x.ts\n`), ['2: test/x.ts']);
  });

  test('a decision cited by its number - passes when a decision file starts with it', () => {
    assert.deepEqual(cited('README.md', 'docs/decisions/0001 and docs/decisions/0009'), ['1: docs/decisions/0009']);
  });

  test('a path through a folder git ignores - passes when the folder holding it exists', () => {
    const doc = '`podlets/<name>/public/`, podlets/auth/public/auth.js, runtime/cdn/public/x.js, runtime/gone/public/x.js\n';
    assert.deepEqual(cited('README.md', doc), ['1: runtime/gone/public/x.js']);
  });

  test('a capitalised Markdown name - must be a file somewhere in the repository', () => {
    assert.deepEqual(cited('docs/cdn.md', 'See ARCHITECTURE.md and README.md, not ROADMAP.md or NOTES.md.'), [
      '1: ROADMAP.md',
      '1: NOTES.md',
    ]);
  });

  test('a shell script - its # comments are read, its commands are not', () => {
    const script = '#!/usr/bin/env bash\n# The engines (test/helpers/engines.js).\nls test/gone.ts # and test/e2e/gone/\n';
    assert.deepEqual(cited('.ci/run', script), ['2: test/helpers/engines.js', '3: test/e2e/gone/']);
  });
});

describe('the repository', () => {
  test('checkDocs() - every cited path exists, every error code is used, the README matches bench/results/', async () => {
    assert.deepEqual(await checkDocs(root), []);
  });

  test('findStalePaths() - with runtime/ARCHITECTURE.md taken out of the tree - reports the docs that cite it', async () => {
    // The check above passes only if the docs are read at all: take a file they cite away and see it reported.
    const repository = await readRepository(root);
    const without = { ...repository, files: repository.files.filter((file) => file !== 'runtime/ARCHITECTURE.md') };
    const readme = await readFile(readmePath, 'utf8');
    assert.ok(findStalePaths('README.md', readme, without).some((stale) => stale.cited === 'runtime/ARCHITECTURE.md'));
    const config = await readFile(new URL('../eslint.config.mjs', import.meta.url), 'utf8');
    assert.ok(findStalePaths('eslint.config.mjs', config, without).some((stale) => stale.cited === 'runtime/ARCHITECTURE.md'));
  });
});

describe('benchmark figures in README.md and docs/', () => {
  test('README.md and docs/ - every marked section - holds what npm run bench:readme makes from bench/results/', async () => {
    const results = await readBenchResults(resultsDir);
    const files = await findFigureFiles(root);
    assert.deepEqual(files, ['README.md', 'docs/engines.md', 'docs/service-worker.md']);
    const used = new Set<string>();
    for (const file of files) {
      const filePath = fileURLToPath(new URL(`../${file}`, import.meta.url));
      const text = await readFile(filePath, 'utf8');
      const actual = readMarkedSections(text);
      for (const [name, figures] of readMarkedSections(await writeReadmeFigures(text, results, filePath))) {
        assert.equal(actual.get(name), figures, `${file}: <!-- ${name} --> is stale: run npm run bench:readme`);
        used.add(name);
      }
    }
    const known = [...renderReadmeFigures(results).keys(), ...renderDocFigures(results).keys()];
    assert.deepEqual([...used].sort(), known.sort(), 'every section the generator makes is shown somewhere');
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
