import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Writes a benchmark's results as bench/results/<name>.json (`json`: an object, written with two
 * spaces, or text already formatted) and <name>.md, then prints the markdown on stdout (unless
 * `print` is false).
 */
export async function writeResults(name: string, json: unknown, md: string, options: { print?: boolean } = {}): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, `${name}.json`), typeof json === 'string' ? json : JSON.stringify(json, null, 2) + '\n');
  await writeFile(join(resultsDir, `${name}.md`), md);
  if (options.print ?? true) console.log(md);
}
