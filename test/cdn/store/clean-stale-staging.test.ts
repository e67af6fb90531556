import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cleanStaleStaging, staleStagingMs } from '../../../runtime/cdn/store/clean-stale-staging.ts';
import { makeTempDir, startCdn } from '../helpers.ts';

/** Writes what a crashed publish leaves (a folder with a file) and dates all of it `ageMs` ago. */
async function leftover(store: string, name: string, ageMs: number): Promise<void> {
  const dir = join(store, '.staging', name);
  await mkdir(join(dir, 'files'), { recursive: true });
  await writeFile(join(dir, 'files', 'index.js'), 'partial');
  const then = new Date(Date.now() - ageMs);
  for (const path of [join(dir, 'files', 'index.js'), join(dir, 'files'), dir]) await utimes(path, then, then);
}

describe('cleanStaleStaging()', () => {
  test('cleanStaleStaging() - staging entries left by a crash - removes those unchanged for 10 minutes and keeps younger ones', async (t) => {
    const store = join(await makeTempDir(t), 'store');
    await leftover(store, 'publish-crashed', staleStagingMs + 60_000);
    await leftover(store, 'publish-running', 60_000);
    // An old folder in which a publisher wrote a moment ago is in use, whatever its own date.
    await leftover(store, 'publish-old-but-busy', staleStagingMs + 60_000);
    await writeFile(join(store, '.staging', 'publish-old-but-busy', 'files', 'new.js'), '');
    assert.deepEqual(await cleanStaleStaging(store), ['publish-crashed']);
    assert.deepEqual((await readdir(join(store, '.staging'))).sort(), ['publish-old-but-busy', 'publish-running']);
  });

  test('cleanStaleStaging() - a store without a staging folder - has nothing to clean', async (t) => {
    assert.deepEqual(await cleanStaleStaging(join(await makeTempDir(t), 'store')), []);
  });

  test('createCdnServer() - at start-up - removes stale staging entries in the background', async (t) => {
    const store = join(await makeTempDir(t), 'store');
    await leftover(store, 'publish-crashed', staleStagingMs + 60_000);
    await leftover(store, 'index-1-fresh', 1000);
    // The clean-up runs in the background: wait for the folder to change, not for a time.
    const staging = join(store, '.staging');
    const cleaned = new Promise<void>((resolve, reject) => {
      const check = () =>
        readdir(staging).then((names) => {
          if (names.includes('publish-crashed')) return;
          watcher.close();
          resolve();
        }, reject);
      const watcher = watch(staging, () => void check());
      t.after(() => watcher.close());
    });
    await startCdn(t, { storeDir: store });
    await cleaned;
    assert.deepEqual(await readdir(staging), ['index-1-fresh']);
  });
});
