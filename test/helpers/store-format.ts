import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cdnDir = fileURLToPath(new URL('../../runtime/cdn/', import.meta.url));

/**
 * A short hash of the CDN code that decides what a store holds: its folders build/ (browser
 * builds), publish/ (publishing, metadata) and store/ (layout and index). Test stores cached in
 * `.cache/` are keyed by it, so a change to that code never runs tests against a store the old
 * code published.
 */
export function storeFormat(): string {
  const hash = createHash('sha256');
  const files = ['build', 'publish', 'store'].flatMap((dir) => readdirSync(path.join(cdnDir, dir)).map((f) => path.join(dir, f))).sort();
  for (const file of files) hash.update(file).update(readFileSync(path.join(cdnDir, file)));
  return hash.digest('hex').slice(0, 12);
}
