import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ensureTestStore } from '../helpers/cdn-with-lit.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const portVars = ['CDN', 'LAYOUT', 'HEADER', 'FOOTER', 'AUTH', 'GEO', 'IMAGE', 'SEARCH'].map((n) => `PODMAP_${n}_PORT`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`npm start - ${signal} - stops every server it started and exits 0`, async () => {
    const env = { ...process.env, PODMAP_STORE_DIR: await ensureTestStore(), ...Object.fromEntries(portVars.map((v) => [v, '0'])) };
    const child = spawn(process.execPath, ['--import', 'tsx', 'layouts/start.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d;
        if (output.includes('Ctrl-C stops it')) resolve();
      });
      child.once('exit', () => reject(new Error(`start exited early:\n${output}`)));
    });
    const urls = [...output.matchAll(/listening on (http:\/\/localhost:\d+\/)/g)].map((m) => m[1]!.replace('localhost', '127.0.0.1'));
    assert.equal(urls.length, 8, output);
    const home = await fetch(urls.find((u) => output.includes(`layout listening on ${u.replace('127.0.0.1', 'localhost')}`))!);
    assert.equal(home.status, 200);
    await home.text();
    child.kill(signal);
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);
    for (const url of urls) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), `${url} still answers after ${signal}`);
    }
  });
}
