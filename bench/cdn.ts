/**
 * Benchmark (not a test): podmap's CDN server and nginx serving the same store, measured in one
 * run with wrk over loopback. Publishes lit 3 into a temp store, starts createCdnServer() and
 * nginx with generateNginxConfig(), and measures requests/s and p99 latency for a small file,
 * a large file and an alias redirect on each. Writes bench/results/cdn.json and cdn.md.
 *
 *   npx tsx bench/cdn.ts            (env: BENCH_SECONDS=3, BENCH_CONNECTIONS=50)
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCdnServer, generateNginxConfig, publishInstalledPackages } from '../runtime/cdn/index.ts';
import { freePort } from '../test/helpers/free-port.js';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Result {
  server: string;
  case: string;
  path: string;
  bytes: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

const dir = await mkdtemp(join(tmpdir(), 'podmap-bench-'));
await chmod(dir, 0o755);
const store = join(dir, 'store');
await publishInstalledPackages(store, root, ['lit']);

// Pick the files: the smallest and largest JavaScript module of lit-html.
const meta = JSON.parse(await readFile(join(store, 'npm/lit-html@3.3.3/meta.json'), 'utf8')) as { files: Record<string, { size: number }> };
const js = Object.entries(meta.files)
  .filter(([path]) => path.endsWith('.js'))
  .sort(([, a], [, b]) => a.size - b.size);
const [smallPath, small] = js[0]!;
const [largePath, large] = js.at(-1)!;
const cases = [
  { case: 'small file', path: `/npm/lit-html@3.3.3/${smallPath}`, bytes: small.size },
  { case: 'large file', path: `/npm/lit-html@3.3.3/${largePath}`, bytes: large.size },
  { case: 'alias redirect', path: '/npm/lit-html@3/lit-html.js', bytes: 0 },
];

const podmap = createCdnServer({ storeDir: store });
await new Promise<void>((resolve) => podmap.listen(0, '127.0.0.1', resolve));
const podmapPort = (podmap.address() as AddressInfo).port;

// One nginx worker, so both servers use one core each: a like-for-like comparison.
const nginxPort = await freePort();
const prefix = join(dir, 'nginx');
await mkdir(join(prefix, 'tmp'), { recursive: true });
const conf = generateNginxConfig({ storeDir: store, port: nginxPort }).replace('worker_processes auto;', 'worker_processes 1;');
await writeFile(join(prefix, 'nginx.conf'), conf);
const nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'inherit' });
await waitFor(`http://127.0.0.1:${nginxPort}/`);

const results: Result[] = [];
try {
  for (const c of cases) {
    for (const [server, port] of [
      ['podmap', podmapPort],
      ['nginx', nginxPort],
    ] as const) {
      const url = `http://127.0.0.1:${port}${c.path}`;
      // wrk runs in another process; this process only serves podmap's requests meanwhile.
      const out = await wrk(url);
      results.push({ server, ...c, ...out });
      console.log(
        `${server.padEnd(7)} ${c.case.padEnd(15)} ${out.requestsPerSecond.toFixed(0).padStart(8)} req/s  p99 ${out.p99Ms.toFixed(2)} ms`,
      );
    }
  }
} finally {
  nginx.kill('SIGTERM');
  podmap.closeAllConnections();
  podmap.close();
  await rm(dir, { recursive: true, force: true });
}

const environment = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  tool: (await run('/usr/bin/wrk', ['-v']).catch((e) => e)).stdout?.split('\n')[0] ?? 'wrk',
  seconds,
  connections,
  threads: 2,
};
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(
  join(root, 'bench/results/cdn.json'),
  JSON.stringify({ date: new Date().toISOString(), environment, results }, null, 2) + '\n',
);
const rows = cases.map((c) => {
  const p = results.find((r) => r.server === 'podmap' && r.case === c.case)!;
  const n = results.find((r) => r.server === 'nginx' && r.case === c.case)!;
  return `| ${c.case} | \`${c.path}\` (${c.bytes} B) | ${p.requestsPerSecond.toFixed(0)} | ${p.p99Ms.toFixed(2)} | ${n.requestsPerSecond.toFixed(0)} | ${n.p99Ms.toFixed(2)} |`;
});
const md = `# CDN benchmark: podmap's server vs nginx

\`npx tsx bench/cdn.ts\` — ${new Date().toISOString().slice(0, 10)}, ${environment.tool}, ${seconds} s per case, ${connections} connections, 2 threads,
loopback, no Accept-Encoding (identity bodies). Node ${process.version} (one process), nginx with one worker, on ${environment.cpus} × ${environment.cpu}.

| case | URL | podmap req/s | podmap p99 ms | nginx req/s | nginx p99 ms |
| --- | --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
await writeFile(join(root, 'bench/results/cdn.md'), md);
console.log(`\n${md}`);
process.exit(0);

async function wrk(url: string): Promise<{ requestsPerSecond: number; p99Ms: number; errors: number }> {
  const { stdout } = await run('/usr/bin/wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99Ms = p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : Number.NaN;
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { requestsPerSecond: rps, p99Ms, errors };
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nothing answers at ${url}`);
}
