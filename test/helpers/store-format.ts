import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cdnDir = fileURLToPath(new URL('../../runtime/cdn/', import.meta.url));

/**
 * A short hash of the CDN code that decides what a store holds (publishing, builds, metadata).
 * Test stores cached in `.cache/` are keyed by it, so a change to that code never runs tests
 * against a store the old code published.
 */
export function storeFormat(): string {
  const hash = createHash('sha256');
  const files = [
    ...readdirSync(path.join(cdnDir, 'build')).map((f) => path.join('build', f)),
    ...readdirSync(cdnDir).filter((f) => /^(build-|prepare-|publish-|read-|select-|write-)/.test(f)),
  ].sort();
  for (const file of files) hash.update(file).update(readFileSync(path.join(cdnDir, file)));
  return hash.digest('hex').slice(0, 12);
}
