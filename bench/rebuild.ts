/**
 * Benchmark (not a test): how long the layout takes to rebuild one page's assets (import map,
 * preloads, integrity) for pages of 6, 30 and 100 podlets, how long that work blocks the event
 * loop, and what it does to the latency of page requests served meanwhile. Writes
 * bench/results/rebuild.json and rebuild.md.
 *
 *   npm run bench:rebuild   (env: BENCH_SIZES=6,30,100, BENCH_REBUILDS=9, BENCH_LOAD_SECONDS=4,
 *                            BENCH_CONCURRENCY=4, BENCH_TTL_MS=50, BENCH_LABEL=after,
 *                            BENCH_BEFORE=<a rebuild.json of the old code, shown beside this run>,
 *                            BENCH_FIXTURE_FROM=<a tree whose CDN and podlets to run, default this one>)
 *
 * A child process (this file with --serve) holds a real CDN on a temp store, into which the
 * installed lit 3, lit 2 (the geo podlet's), zod, fast-check and es-module-shims are published,
 * and 100 synthetic podlets: real HTTP servers on port 0 serving manifest.json, podmap.json,
 * content and fallback. Their needs mix lit 3 and lit 2 (every fifth podlet lags behind, so the
 * map has scopes), zod, fast-check (a graph of some 300 modules) and each other's exposed modules.
 * The layout runs in this process, so the event loop it blocks is the one measured:
 *
 * - rebuild: a page composer over the page's podlets; after a warm-up, `refresh()` (manifests
 *   fetched again, every page's assets dropped) and then the page's assets are built and timed.
 *   The CDN client's caches stay warm, as they are for a rebuild after a podlet's deploy.
 * - longest block: the longest stretch between two ticks of a 1 ms timer during each rebuild, by
 *   the wall clock and counting only this process's CPU time (watchBlocks).
 * - page latency: BENCH_CONCURRENCY clients request the page for BENCH_LOAD_SECONDS from a layout
 *   whose assets stay fresh, then from one with `assetsTtlMs` of BENCH_TTL_MS, so the page's
 *   assets are rebuilt over and over (3 sizes × 2 × 4 s: under 30 s of load in all).
 *
 * To compare with the old code: check it out in a worktree, run this file there with
 * BENCH_FIXTURE_FROM pointing here (both layouts then face the same CDN code), then run it here
 * with BENCH_BEFORE pointing at the worktree's bench/results/rebuild.json.
 */
import { fork } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCdnServer, publishInstalledPackages } from '../runtime/cdn/index.ts';
import { createLayout } from '../runtime/layout/create-layout.ts';
import { createPageComposer } from '../runtime/layout/assets/create-page-composer.ts';
import { describeMachine, markdownTable, spreadOf, type Spread } from './lib/stats.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
// Where the packages to publish are installed: a worktree of the old code may link its node_modules.
const installed = dirname(realpathSync(join(root, 'node_modules')));
const sizes = (process.env.BENCH_SIZES ?? '6,30,100').split(',').map(Number);
const rebuilds = Number(process.env.BENCH_REBUILDS ?? 9);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 4);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ttlMs = Number(process.env.BENCH_TTL_MS ?? 50);
const label = process.env.BENCH_LABEL ?? 'this tree';
const MAX_PODLETS = Math.max(...sizes);
const DATE_FUNCTIONS = 700;

const importMap = { imports: { lit: './npm/lit@3/index.js' } };

interface SizeResult {
  podlets: number;
  coldBuildMs: number;
  rebuildMs: Spread;
  longestBlockMs: Spread;
  longestCpuBlockMs: Spread;
  mapBytes: number;
  mapScopes: number;
  preloads: number;
  fallbacks: number;
  /** Page requests while the assets are rebuilt all the time, and (quiet) while they are not. */
  load: LoadResult;
  quiet: LoadResult;
}

interface LoadResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  longestBlock: Block;
}

/** The longest stretch between two ticks of a 1 ms timer: by the wall clock, and how much of it was this process's CPU time. */
interface Block {
  wallMs: number;
  cpuBoundMs: number;
}

/**
 * Watches the event loop until stop(): a 1 ms interval timer notes the time between its ticks by
 * the wall clock and by the process's CPU time (process.cpuUsage). On a shared machine the wall
 * clock also counts time the OS gave to other processes; the CPU time counts only work done here
 * (the main thread, and V8's helper threads during GC), so min(wall, CPU) of a stretch is the
 * block this process caused. A stretch includes the timer's own 1 ms.
 */
async function watchBlocks(): Promise<{ stop(): Promise<Block> }> {
  const longest: Block = { wallMs: 0, cpuBoundMs: 0 };
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const wallMs = now - last;
    const cpuMs = (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000;
    longest.wallMs = Math.max(longest.wallMs, wallMs);
    longest.cpuBoundMs = Math.max(longest.cpuBoundMs, Math.min(wallMs, cpuMs));
    [last, lastCpu] = [now, cpu];
  }, 1);
  // A few ticks first, so that a block right at the start is measured from a tick.
  await new Promise((resolve) => setTimeout(resolve, 10));
  Object.assign(longest, { wallMs: 0, cpuBoundMs: 0 });
  return {
    async stop() {
      // A block is seen at the tick after it: let that tick come.
      await new Promise((resolve) => setTimeout(resolve, 5));
      clearInterval(timer);
      return longest;
    },
  };
}

if (process.argv.includes('--serve')) await serve();
else await main();

async function main(): Promise<void> {
  const fixture = await startFixture();
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const podlets = Object.fromEntries(Object.entries(fixture.podlets).slice(0, size));
      const rebuilt = await measureRebuilds(fixture.cdn, podlets);
      const quiet = await measureLoad(fixture.cdn, podlets, 3_600_000);
      results.push({ podlets: size, ...rebuilt, load: await measureLoad(fixture.cdn, podlets, ttlMs), quiet });
      const r = results.at(-1)!;
      console.error(
        `bench:rebuild: ${size} podlets: rebuild ${r.rebuildMs.median.toFixed(1)} ms, block ${r.longestBlockMs.max.toFixed(1)} ms ` +
          `(CPU-bound ${r.longestCpuBlockMs.max.toFixed(1)} ms), ` +
          `page p99 ${r.load.p99Ms.toFixed(1)} ms, map ${(r.mapBytes / 1024).toFixed(1)} KB`,
      );
    }
  } finally {
    fixture.stop();
  }
  await report(results);
}

/** Rebuilds of one page's assets through a page composer, each timed and watched for event-loop blocks. */
async function measureRebuilds(cdnUrl: string, podlets: Record<string, string>) {
  const names = Object.keys(podlets);
  const composer = createPageComposer({ cdnUrl, importMap, podlets, assetsTtlMs: 3_600_000, timeoutMs: 5000 });
  await composer.ensureManifests();
  const t0 = performance.now();
  let assets = await composer.assetsFor(names);
  const coldBuildMs = performance.now() - t0;
  for (let i = 0; i < 2; i++) {
    await composer.refresh();
    assets = await composer.assetsFor(names);
  }
  const times: number[] = [];
  const blocks: Block[] = [];
  for (let i = 0; i < rebuilds; i++) {
    await composer.refresh();
    const watch = await watchBlocks();
    const start = performance.now();
    assets = await composer.assetsFor(names);
    times.push(performance.now() - start);
    blocks.push(await watch.stop());
  }
  const mapJson = JSON.stringify(assets.map);
  return {
    coldBuildMs,
    rebuildMs: spreadOf(times),
    longestBlockMs: spreadOf(blocks.map((b) => b.wallMs)),
    longestCpuBlockMs: spreadOf(blocks.map((b) => b.cpuBoundMs)),
    mapBytes: Buffer.byteLength(mapJson),
    mapScopes: Object.keys(assets.map.scopes ?? {}).length,
    preloads: assets.preloads.length,
    fallbacks: assets.fallbackOnly.size,
  };
}

/** Page requests with `concurrency` clients while a tiny assetsTtlMs keeps the page's assets rebuilding. */
async function measureLoad(cdnUrl: string, podlets: Record<string, string>, assetsTtlMs: number): Promise<LoadResult> {
  const layout = createLayout({
    cdnUrl,
    importMap,
    podlets,
    pages: { '/': { title: 'bench', podlets: Object.keys(podlets) } },
    assetsTtlMs,
    timeoutMs: 5000,
  });
  const server = createServer(layout.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  try {
    for (let i = 0; i < 3; i++) await get(url, agent); // the first page waits for manifests and the first build
    const watch = await watchBlocks();
    const end = performance.now() + loadSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const start = performance.now();
          try {
            await get(url, agent);
            latencies.push(performance.now() - start);
          } catch {
            errors++;
          }
        }
      }),
    );
    const longestBlock = await watch.stop();
    const sorted = latencies.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return {
      requests: sorted.length,
      errors,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted.at(-1) ?? NaN,
      longestBlock,
    };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Let a rebuild the last request started finish before the next size is measured.
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 500));
  }
}

function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: 20_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`bench: ${url} answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`bench: ${url} took over 20 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Starts the CDN and the podlets in a child process; resolves with their URLs. */
function startFixture(): Promise<{ cdn: string; podlets: Record<string, string>; stop(): void }> {
  const script = process.env.BENCH_FIXTURE_FROM ? join(process.env.BENCH_FIXTURE_FROM, 'bench/rebuild.ts') : fileURLToPath(import.meta.url);
  const child = fork(script, ['--serve'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PODLETS: String(MAX_PODLETS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: the fixture did not start within 180 s')), 180_000);
    child.once('exit', (code) => reject(new Error(`bench: the fixture exited (${code})`)));
    child.on('message', (m: { type?: string; cdn?: string; podlets?: Record<string, string> }) => {
      if (m.type !== 'bench:ready') return;
      clearTimeout(timer);
      resolve({ cdn: m.cdn!, podlets: m.podlets!, stop: () => child.kill('SIGTERM') });
    });
  });
}

/** Child process: the CDN on a temp store and the synthetic podlets. */
async function serve(): Promise<void> {
  const storeDir = await mkdtemp(join(tmpdir(), 'podmap-bench-rebuild-'));
  const servers: Server[] = [];
  const stop = async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await rm(storeDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  await publishInstalledPackages(storeDir, installed, ['lit', 'zod', 'fast-check', 'es-module-shims']);
  await publishInstalledPackages(storeDir, join(installed, 'podlets/geo'), ['lit']);
  // Two majors of a date-fns-like package (700 entry points each) and a kit depending on the
  // older one: the shape that made real pages' maps grow to hundreds of KB.
  const packagesDir = join(storeDir, '.bench-packages');
  await writeSyntheticPackages(packagesDir);
  await publishInstalledPackages(storeDir, join(packagesDir, 'v3'), ['bench-dates', 'bench-kit']);
  await publishInstalledPackages(storeDir, join(packagesDir, 'v4'), ['bench-dates']);
  await rm(packagesDir, { recursive: true, force: true });
  const cdn = await listenOn(createCdnServer({ storeDir }), servers);
  const podlets: Record<string, string> = {};
  const count = Number(process.env.BENCH_PODLETS ?? 100);
  for (let i = 0; i < count; i++) {
    const name = podletName(i);
    podlets[name] = `${await listenOn(createServer(podletHandler(i)), servers)}manifest.json`;
  }
  process.send!({ type: 'bench:ready', cdn, podlets });
}

/** bench-dates 3.6.0 and 4.1.0 (one module per function, like date-fns) and bench-kit 1.0.0 on bench-dates ^3. */
async function writeSyntheticPackages(dir: string): Promise<void> {
  const write = async (file: string, text: string) => {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  };
  for (const [folder, version] of [
    ['v3', '3.6.0'],
    ['v4', '4.1.0'],
  ] as const) {
    const pkg = `${folder}/node_modules/bench-dates`;
    const fns = Array.from({ length: DATE_FUNCTIONS }, (_, n) => `fn${String(n).padStart(3, '0')}`);
    const exports = Object.fromEntries([['.', './index.js'], ...fns.map((fn) => [`./${fn}`, `./${fn}.js`])]);
    await write(`${pkg}/package.json`, JSON.stringify({ name: 'bench-dates', version, type: 'module', exports }));
    await write(`${pkg}/index.js`, fns.map((fn) => `export * from './${fn}.js';\n`).join(''));
    await write(`${pkg}/_lib/helper.js`, 'export const helper = (d) => +d;\n');
    for (const fn of fns)
      await write(`${pkg}/${fn}.js`, `import { helper } from './_lib/helper.js';\nexport const ${fn} = (d) => helper(d);\n`);
  }
  await write(
    'v3/node_modules/bench-kit/package.json',
    JSON.stringify({
      name: 'bench-kit',
      version: '1.0.0',
      type: 'module',
      exports: { '.': './index.js' },
      dependencies: { 'bench-dates': '^3.0.0' },
    }),
  );
  await write('v3/node_modules/bench-kit/index.js', "export { fn001 } from 'bench-dates/fn001';\n");
}

function podletName(i: number): string {
  return `p${String(i).padStart(3, '0')}`;
}

/** One synthetic podlet: its manifest, podmap.json, content and fallback. */
function podletHandler(i: number) {
  const name = podletName(i);
  const pkg = `@bench/${name}`;
  const needs: Record<string, string> = { lit: i % 5 === 4 ? '^2.7.0' : '^3.1.0' };
  const utilImports: string[] = [];
  if (i % 7 === 0) {
    needs.zod = '^3.25.0';
    utilImports.push('zod');
  }
  if (i % 10 === 2) {
    needs['fast-check'] = '^4.0.0';
    utilImports.push('fast-check');
  }
  // Most use bench-dates 4, one in nine still 3 (scoped), every third the kit (which brings 3).
  if (i % 2 === 0 || i % 9 === 4) {
    needs['bench-dates'] = i % 9 === 4 ? '^3.0.0' : '^4.0.0';
    for (const n of [i, i + 7, i + 100]) utilImports.push(`bench-dates/fn${String(n % DATE_FUNCTIONS).padStart(3, '0')}`);
  }
  if (i % 3 === 0) {
    needs['bench-kit'] = '^1.0.0';
    utilImports.push('bench-kit');
  }
  const entryImports = ['lit', 'lit/decorators.js', './view.js', './api.js'];
  // Every fourth podlet imports the module its neighbour exposes.
  const provider = i % 4 === 1 ? podletName(i - 1) : null;
  if (provider) {
    needs[`@bench/${provider}`] = '^1.0.0';
    entryImports.push(`@bench/${provider}/api.js`);
  }
  const podmap = {
    podmap: 1,
    package: { name: pkg, version: '1.0.0' },
    base: './public@1.0.0/',
    needs,
    exposes: { [`${pkg}/api.js`]: 'api.js' },
    modules: {
      'entry.js': entryImports,
      'view.js': ['lit', 'lit/directives/class-map.js', './util.js'],
      'util.js': utilImports,
      'api.js': ['lit/directive.js'],
    },
  };
  const manifest = {
    name,
    version: '1.0.0',
    content: '/',
    fallback: '/fallback',
    js: [{ value: '/public@1.0.0/entry.js', type: 'module' }],
    css: [],
  };
  const bodies: Record<string, [string, string]> = {
    '/manifest.json': ['application/json', JSON.stringify(manifest)],
    '/podmap.json': ['application/json', JSON.stringify(podmap)],
    '/': ['text/html; charset=utf-8', `<bench-${name}>${name}</bench-${name}>`],
    '/fallback': ['text/html; charset=utf-8', `<p>${name} fallback</p>`],
  };
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const body = bodies[(req.url ?? '/').split('?')[0]!];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': body[0], 'podlet-version': '1.0.0' }).end(body[1]);
  };
}

async function listenOn(server: Server, servers: Server[]): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function report(results: SizeResult[]): Promise<void> {
  const beforePath = process.env.BENCH_BEFORE;
  const before: { label: string; results: SizeResult[] } | null =
    beforePath && existsSync(beforePath) ? JSON.parse(await readFile(beforePath, 'utf8')) : null;
  const runs = [...(before ? [before] : []), { label, results }];
  const machine = await describeMachine();
  const date = new Date().toISOString();
  const range = (s: Spread) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
  const latency = (l: LoadResult) => `${l.p50Ms.toFixed(1)} / ${l.p99Ms.toFixed(1)} / ${l.maxMs.toFixed(1)}`;
  const block = (b: Block) => `${b.wallMs.toFixed(1)} / ${b.cpuBoundMs.toFixed(1)}`;
  // Sizes side by side, the old code's row first.
  const bySize = <T>(row: (runLabel: string, r: SizeResult) => T): T[] =>
    sizes.flatMap((size) => runs.flatMap((run) => run.results.filter((r) => r.podlets === size).map((r) => row(run.label, r))));
  const md = [
    '# bench:rebuild — rebuilding one page’s assets',
    '',
    `${date} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node} · loopback; ` +
      'the CDN and the podlets in one child process, the layout in the measuring process. The machine is shared: wall-clock figures include time the OS gave to other processes.',
    '',
    `Rebuild: ${rebuilds} rebuilds after a warm-up (manifests fetched again, assets dropped, CDN client caches warm); median (min–max) in ms. ` +
      'Longest block: the longest stretch between two ticks of a 1 ms timer during each rebuild (1 ms of it is the timer), by the wall clock and ' +
      "counting only this process's CPU time in it (min of the two); median (min–max) over the rebuilds.",
    '',
    markdownTable(
      [
        'code',
        'podlets',
        'first build ms',
        'rebuild ms',
        'longest block ms, wall',
        'longest block ms, CPU',
        'map KB',
        'scopes',
        'preloads',
        'fallbacks',
      ],
      bySize((runLabel, r) => [
        runLabel,
        String(r.podlets),
        r.coldBuildMs.toFixed(0),
        range(r.rebuildMs),
        range(r.longestBlockMs),
        range(r.longestCpuBlockMs),
        (r.mapBytes / 1024).toFixed(1),
        String(r.mapScopes),
        String(r.preloads),
        String(r.fallbacks),
      ]),
    ),
    '',
    `Page requests: ${concurrency} clients for ${loadSeconds} s each, from a layout whose assets stay fresh (no rebuilds), then from one with ` +
      `assetsTtlMs ${ttlMs}, so the page's assets are rebuilt all the time. Latency p50 / p99 / max in ms; the longest block in that time ` +
      "(wall / CPU). Each page request fetches every podlet's content, so serving pages blocks the loop too: compare the two columns.",
    '',
    markdownTable(
      ['code', 'podlets', 'latency, no rebuilds', 'latency, rebuilding', 'block, no rebuilds', 'block, rebuilding', 'pages (errors)'],
      bySize((runLabel, r) => [
        runLabel,
        String(r.podlets),
        latency(r.quiet),
        latency(r.load),
        block(r.quiet.longestBlock),
        block(r.load.longestBlock),
        `${r.quiet.requests} + ${r.load.requests} (${r.quiet.errors + r.load.errors})`,
      ]),
    ),
    '',
  ].join('\n');
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(
    join(root, 'bench/results/rebuild.json'),
    JSON.stringify({ date, machine, label, rebuilds, loadSeconds, concurrency, ttlMs, results, before }, null, 2) + '\n',
  );
  await writeFile(join(root, 'bench/results/rebuild.md'), md);
  console.log(md);
}
