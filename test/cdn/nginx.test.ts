import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateNginxConfig, publishInstalledPackages } from '../../runtime/cdn/index.ts';
import { makeTempDir, projectRoot, startCdn } from './helpers.ts';

const nginxBinary = process.env.NGINX ?? '/usr/sbin/nginx';

/** A free loopback port, found by binding port 0 and releasing it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts nginx in the foreground with `conf` under `prefix`; stopped after the test. */
export async function startNginx(
  t: { after: (fn: () => Promise<void>) => void },
  prefix: string,
  conf: string,
  port: number,
): Promise<void> {
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

test('generateNginxConfig() - real nginx and createCdnServer() - same status, Location, Cache-Control and body for exact, alias and missing URLs', async (t) => {
  // CI installs nginx (Debian package); a missing binary is a failure to fix, not a reason to skip.
  await access(nginxBinary).catch(() => {
    throw new Error(`nginx not found at ${nginxBinary}: install it (apt-get install -y nginx) or set NGINX to its path`);
  });
  const dir = await makeTempDir(t);
  // mkdtemp makes 0700 folders; nginx workers may run as another user and must read the store.
  await chmod(dir, 0o755);
  const store = join(dir, 'store');
  await publishInstalledPackages(store, projectRoot, ['lit']);
  await publishInstalledPackages(store, join(projectRoot, 'podlets/geo'), ['lit']);
  const port = await freePort();
  await startNginx(t, join(dir, 'nginx'), generateNginxConfig({ storeDir: store, port, aliasMaxAge: 60 }), port);
  const podmap = await startCdn(t, { storeDir: store, aliasMaxAge: 60 });
  const nginx = `http://127.0.0.1:${port}`;

  const exact = [
    '/npm/lit@3.3.3/index.js',
    '/npm/lit@2.8.0/decorators/property.js',
    '/npm/@lit/reactive-element@2.1.2/css-tag.js',
    '/npm/lit@3.3.3/logo.svg',
    '/npm/lit-html@3.3.3/lit-html.js.map',
  ];
  const alias = [
    '/npm/lit@3/index.js',
    '/npm/lit@2/decorators/property.js',
    '/npm/@lit/reactive-element@1/css-tag.js',
    '/npm/lit-html@3/directives/repeat.js',
  ];
  const missing = [
    '/npm/lit@3.3.3/nope.js',
    '/npm/lit@3.3.3/meta.json',
    '/npm/lit@4.0.0/index.js',
    '/npm/lit@9/index.js',
    '/npm/unknown@1.0.0/a.js',
    '/podlet/none@1.0.0/a.js',
    '/',
  ];
  for (const path of [...exact, ...alias, ...missing]) {
    for (const acceptEncoding of ['identity', 'gzip', 'br, gzip']) {
      const [a, b] = await Promise.all(
        [podmap, nginx].map((origin) => fetch(origin + path, { redirect: 'manual', headers: { 'accept-encoding': acceptEncoding } })),
      );
      const label = `${path} (${acceptEncoding})`;
      assert.equal(b!.status, a!.status, label);
      assert.equal(b!.headers.get('location'), a!.headers.get('location'), label);
      assert.equal(b!.headers.get('cache-control'), a!.headers.get('cache-control'), label);
      assert.equal(b!.headers.get('content-encoding'), a!.headers.get('content-encoding'), label);
      assert.equal(b!.headers.get('access-control-allow-origin'), '*', label);
      if (a!.status !== 302) assert.equal(b!.headers.get('content-type'), a!.headers.get('content-type'), label);
      const [bodyA, bodyB] = await Promise.all([a!.arrayBuffer(), b!.arrayBuffer()]);
      if (a!.status === 302) {
        // nginx always sends its own HTML page with a redirect (no module can drop it), which
        // browsers never show; compare the bodies the Location leads to instead.
        const location = a!.headers.get('location')!;
        const [to, tn] = await Promise.all([fetch(podmap + location), fetch(nginx + location)]);
        assert.equal(to.status, 200, label);
        assert.deepEqual(Buffer.from(await tn.arrayBuffer()), Buffer.from(await to.arrayBuffer()), label);
      } else {
        assert.deepEqual(Buffer.from(bodyB), Buffer.from(bodyA), label);
      }
    }
  }
});
