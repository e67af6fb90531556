/**
 * Benchmark (not a test) of podmap's CDN, in two parts; BENCH_CDN_PARTS picks them (both by default).
 *
 * publish: generated icon-set tarballs of 1,000, 10,000, 40,000 and 50,000 files published with
 * publishTarball() by this tree and by the version before the CDN's browser builds, side by side
 * in one run (bench/lib/measure-publish.ts): milliseconds per 1,000 files, new ÷ old, and whether
 * the time per 1,000 files stays flat as size grows. The old version is the tree of commit
 * BEFORE_BROWSER_BUILDS, prepared once in .cache/ (git archive and npm ci, a minute or so;
 * bench/lib/prepare-checkout.ts); without git history or a registry its column is left out with
 * a note. Writes bench/results/cdn-publish.json and cdn-publish.md. A default run takes 14
 * CPU-minutes: 30 minutes on a shared 2-core machine under a load of about 15 (on an idle one,
 * estimated from that, about 10); BENCH_QUICK=1 runs 1,000 and 5,000 files once, in a minute.
 *
 * serve: podmap's CDN server and nginx serving the same store, measured with wrk over loopback.
 * Publishes lit 3 into a temp store, starts createCdnServer() and nginx with
 * generateNginxConfig(), and measures requests/s and p99 latency for a small file, a large file
 * and an alias redirect on each. Writes bench/results/cdn.json and cdn.md.
 *
 * s3 (only when asked for): lit published into, and served by podmap's server from, a folder and a
 * local Ceph radosgw bucket in one run (bench/lib/bench-s3-store.ts); writes bench/results/cdn-s3.md.
 *
 *   npm run bench:cdn    (env: BENCH_CDN_PARTS=publish,serve,s3, BENCH_QUICK=1,
 *                         BENCH_PUBLISH_SIZES=1000,10000,40000,50000, BENCH_ROUNDS=3,
 *                         BENCH_CDN_BEFORE=<a checkout of the old version to use instead>|off,
 *                         BENCH_SECONDS=3, BENCH_CONNECTIONS=50)
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCdnServer, generateNginxConfig, publishInstalledPackages } from '../runtime/cdn/index.ts';
import { freePort } from '../test/helpers/free-port.js';
import { measurePublish, summarisePublish, type PublishVersion } from './lib/measure-publish.ts';
import { prepareCheckout, type Checkout } from './lib/prepare-checkout.ts';
import { judgeLinearity, reportPublish } from './lib/report-publish.ts';
import { describeMachine } from './lib/stats.ts';
import { benchS3Store } from './lib/bench-s3-store.ts';
import { waitForUrl } from './lib/wait-for-url.ts';

/**
 * The last commit before the CDN's browser builds: 0f15242 (their error codes and metadata
 * types, no publishing code) and 70fb8fa (the builds) come after it. Its publishTarball() reads,
 * hashes, compresses and stores the files as published, with no build and no store index.
 */
const BEFORE_BROWSER_BUILDS = 'c1eb0a9999f1aaa5b6794ef58f37a4d00e1509c5';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;
const quick = process.env.BENCH_QUICK === '1';
const parts = (process.env.BENCH_CDN_PARTS ?? 'publish,serve').split(',').map((p) => p.trim());
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 3));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const sizes = [
  ...new Set((process.env.BENCH_PUBLISH_SIZES ?? (quick ? '1000,5000' : '1000,10000,40000,50000')).split(',').map(Number)),
].sort((a, b) => a - b);
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));

const unknownParts = parts.filter((p) => p !== 'publish' && p !== 'serve' && p !== 's3');
// 12 files is the smallest icon set the generator makes; past 50,000 the CDN refuses the tarball (maxEntries).
const badSizes = sizes.filter((n) => !Number.isInteger(n) || n < 12 || n > 50_000);
if (unknownParts.length || badSizes.length || !Number.isInteger(rounds) || rounds < 1) {
  console.error(
    `bench: BENCH_CDN_PARTS takes publish, serve and s3 (not ${unknownParts.join(', ') || '–'}); BENCH_PUBLISH_SIZES whole numbers ` +
      `from 12 to 50,000, the CDN's entry limit (not ${badSizes.join(', ') || '–'}); BENCH_ROUNDS at least 1 (${rounds})`,
  );
  process.exit(1);
}
if (parts.includes('publish')) await benchPublish();
if (parts.includes('serve')) await benchServe();
if (parts.includes('s3')) await benchS3Store(root, { rounds, seconds, connections });
process.exit(0);

async function benchPublish(): Promise<void> {
  const began = performance.now();
  const notes: string[] = quick ? ['BENCH_QUICK=1: a check that the benchmark runs, not figures to quote.'] : [];
  const versions: PublishVersion[] = [];
  const before = await findOldVersion();
  if (before.dir === null) notes.push(`the version before browser builds is left out: ${before.reason}.`);
  else
    versions.push({
      label: `before browser builds (${BEFORE_BROWSER_BUILDS.slice(0, 7)})`,
      cdnIndex: join(before.dir, 'runtime/cdn/index.ts'),
    });
  const head = (await run('git', ['-C', root, 'rev-parse', '--short', 'HEAD']).catch(() => ({ stdout: 'unknown' }))).stdout.trim();
  const dirty =
    (await run('git', ['-C', root, 'status', '--porcelain', '--', 'runtime']).catch(() => ({ stdout: '' }))).stdout.trim() !== '';
  versions.push({ label: `this tree (${head}${dirty ? ' + changes' : ''})`, cdnIndex: join(root, 'runtime/cdn/index.ts') });
  if (versions.length === 1) console.log(`bench: ${notes[0]}`);
  console.log(`bench: publishing ${sizes.join(', ')} files through ${versions.map((v) => v.label).join(' and ')}, ${rounds} round(s)`);
  const tsxLoader = import.meta.resolve('tsx');
  const runs = await measurePublish(versions, sizes, rounds, tsxLoader, console.log);
  const minutes = (performance.now() - began) / 60_000;
  const m = await describeMachine();
  const date = new Date().toISOString();
  const machine = `Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB`;
  const summaries = summarisePublish(runs);
  const linearity = judgeLinearity(runs, versions);
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(
    join(root, 'bench/results/cdn-publish.json'),
    JSON.stringify({ date, machine, rounds, sizes, minutes, versions, notes, summaries, linearity, runs }, null, 2) + '\n',
  );
  const md = reportPublish(runs, versions, { date: date.slice(0, 10), machine, rounds, sizes, notes, minutes });
  await writeFile(join(root, 'bench/results/cdn-publish.md'), md);
  console.log(`\n${md}`);
}

/** BENCH_CDN_BEFORE's checkout, none with "off", else the one in .cache/, made if missing. */
async function findOldVersion(): Promise<Checkout> {
  const given = process.env.BENCH_CDN_BEFORE;
  if (given === 'off') return { dir: null, reason: 'BENCH_CDN_BEFORE=off' };
  if (given) {
    return existsSync(join(given, 'runtime/cdn/index.ts'))
      ? { dir: given, prepared: false }
      : { dir: null, reason: `BENCH_CDN_BEFORE=${given} has no runtime/cdn/index.ts` };
  }
  const dir = join(root, '.cache', `cdn-before-${BEFORE_BROWSER_BUILDS.slice(0, 7)}`);
  return prepareCheckout(root, BEFORE_BROWSER_BUILDS, dir, console.log);
}

async function benchServe(): Promise<void> {
  const missing = ['/usr/bin/wrk', '/usr/sbin/nginx'].filter((tool) => !existsSync(tool));
  if (missing.length > 0) {
    // bench/results/cdn.md keeps the last run's figures.
    console.log(`bench: the serve part needs ${missing.join(' and ')} (Debian's wrk and nginx); skipped`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'podmap-bench-'));
  await chmod(dir, 0o755);
  const store = join(dir, 'store');
  await publishInstalledPackages(store, root, ['lit']);

  const cases = await pickServeCases(store);

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
  await waitForUrl(`http://127.0.0.1:${nginxPort}/`);

  const results: ServeResult[] = [];
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

  await writeServeResults(cases, results);
}

async function wrk(url: string): Promise<{ requestsPerSecond: number; p99Ms: number; errors: number }> {
  const { stdout } = await run('/usr/bin/wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99Ms = p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : Number.NaN;
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { requestsPerSecond: rps, p99Ms, errors };
}

/** One wrk run of one server on one case. */
interface ServeResult {
  server: string;
  case: string;
  path: string;
  bytes: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

type ServeCase = { case: string; path: string; bytes: number };

/** The serve part's cases: the smallest and largest JavaScript module of lit-html, and an alias redirect. */
async function pickServeCases(store: string): Promise<ServeCase[]> {
  // Pick the files: the smallest and largest JavaScript module of lit-html.
  const meta = JSON.parse(await readFile(join(store, 'npm/lit-html@3.3.3/meta.json'), 'utf8')) as {
    files: Record<string, { size: number }>;
  };
  const js = Object.entries(meta.files)
    .filter(([path]) => path.endsWith('.js'))
    .sort(([, a], [, b]) => a.size - b.size);
  const [smallPath, small] = js[0]!;
  const [largePath, large] = js.at(-1)!;
  return [
    { case: 'small file', path: `/npm/lit-html@3.3.3/${smallPath}`, bytes: small.size },
    { case: 'large file', path: `/npm/lit-html@3.3.3/${largePath}`, bytes: large.size },
    { case: 'alias redirect', path: '/npm/lit-html@3/lit-html.js', bytes: 0 },
  ];
}

/** Writes bench/results/cdn.json and cdn.md from the serve part's results, and prints the table. */
async function writeServeResults(cases: readonly ServeCase[], results: readonly ServeResult[]): Promise<void> {
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
}
