import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchResults } from './readme-figures.ts';

/**
 * The result files the README's figures come from, read from `dir` (bench/results/): page.json,
 * page-firefox.json, every page-stall*.json, layout.json, packages.json and faults.json.
 */
export async function readBenchResults(dir: string): Promise<BenchResults> {
  const read = async (name: string) => JSON.parse(await readFile(path.join(dir, name), 'utf8'));
  const stallFiles = (await readdir(dir)).filter((name) => /^page-stall(-\d+)?\.json$/.test(name)).sort();
  return {
    page: await read('page.json'),
    firefox: await read('page-firefox.json'),
    stalls: await Promise.all(stallFiles.map(read)),
    layout: await read('layout.json'),
    packages: await read('packages.json'),
    faults: await read('faults.json'),
  };
}
