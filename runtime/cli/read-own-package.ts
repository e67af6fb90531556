import { readFileSync } from 'node:fs';

/**
 * @podmap/runtime's own package.json. The command runs from dist/cli/ when installed and from
 * cli/ in this repository, so the file is looked for one and two folders up.
 */
export function readOwnPackage(): { name: string; version: string } {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@podmap/runtime') return { name: pkg.name, version: pkg.version };
    } catch {
      // Not this one: try the next folder up.
    }
  }
  throw new Error("podmap: cannot find @podmap/runtime's package.json");
}
