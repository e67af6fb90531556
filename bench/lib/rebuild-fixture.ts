import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTsx, stopChild } from '../../layouts/fork-server.ts';
import { createCdnServer, publishInstalledPackages } from '../../runtime/cdn/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Where the packages to publish are installed: a worktree of the old code may link its node_modules.
const installed = dirname(realpathSync(join(root, 'node_modules')));
/** Entry points of each synthetic bench-dates major. */
const DATE_FUNCTIONS = 700;

/**
 * Starts the CDN and `podletCount` podlets in a child process (this tree's, or BENCH_FIXTURE_FROM's:
 * both layouts then face the same CDN code); resolves with their URLs.
 */
export function startFixture(podletCount: number): Promise<{ cdn: string; podlets: Record<string, string>; stop(): void }> {
  const script = join(process.env.BENCH_FIXTURE_FROM ?? root, 'bench/rebuild.ts');
  const child = forkTsx(script, { args: ['--serve'], env: { BENCH_PODLETS: String(podletCount) }, log: (line) => console.error(line) });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: the fixture did not start within 180 s')), 180_000);
    child.once('exit', (code) => reject(new Error(`bench: the fixture exited (${code})`)));
    child.on('message', (m: { type?: string; cdn?: string; podlets?: Record<string, string> }) => {
      if (m.type !== 'bench:ready') return;
      clearTimeout(timer);
      resolve({ cdn: m.cdn!, podlets: m.podlets!, stop: () => void stopChild(child) });
    });
  });
}

/**
 * The fixture's process (bench/rebuild.ts --serve): the CDN on a temp store, into which the
 * installed lit 3, lit 2 (the geo podlet's), zod, fast-check and es-module-shims and two synthetic
 * packages are published, and BENCH_PODLETS synthetic podlets; says `bench:ready` with their URLs.
 */
export async function serveFixture(): Promise<void> {
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

/**
 * What synthetic podlet `i` needs, and what its util.js imports: lit 3 (every fifth podlet still lit
 * 2), zod, fast-check, bench-dates 4 (one in nine still 3, scoped) or the kit (which brings 3), and
 * every fourth podlet the module its neighbour exposes.
 */
function podletNeeds(i: number): { needs: Record<string, string>; utilImports: string[]; entryImports: string[] } {
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
  if (i % 2 === 0 || i % 9 === 4) {
    needs['bench-dates'] = i % 9 === 4 ? '^3.0.0' : '^4.0.0';
    for (const n of [i, i + 7, i + 100]) utilImports.push(`bench-dates/fn${String(n % DATE_FUNCTIONS).padStart(3, '0')}`);
  }
  if (i % 3 === 0) {
    needs['bench-kit'] = '^1.0.0';
    utilImports.push('bench-kit');
  }
  const entryImports = ['lit', 'lit/decorators.js', './view.js', './api.js'];
  const provider = i % 4 === 1 ? podletName(i - 1) : null;
  if (provider) {
    needs[`@bench/${provider}`] = '^1.0.0';
    entryImports.push(`@bench/${provider}/api.js`);
  }
  return { needs, utilImports, entryImports };
}

/** One synthetic podlet: its manifest, podmap.json, content and fallback. */
function podletHandler(i: number) {
  const name = podletName(i);
  const pkg = `@bench/${name}`;
  const { needs, utilImports, entryImports } = podletNeeds(i);
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
  return (req: IncomingMessage, res: ServerResponse) => {
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
