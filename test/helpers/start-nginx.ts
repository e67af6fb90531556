import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AfterHook } from './cleanups.ts';

/** Debian's nginx, or $NGINX. */
export const nginxBinary = process.env.NGINX ?? '/usr/sbin/nginx';

/** Starts nginx in the foreground with `conf` under `prefix`; stopped after the test. */
export async function startNginx(t: AfterHook, prefix: string, conf: string, port: number): Promise<void> {
  await mkdir(join(prefix, 'tmp'), { recursive: true });
  await writeFile(join(prefix, 'nginx.conf'), conf);
  const child = spawn(nginxBinary, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off; master_process off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nginx did not start on port ${port}: ${stderr}`);
}
