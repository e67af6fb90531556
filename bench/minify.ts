/**
 * Benchmark (not a test): what the CDN's per-file minification of podlet releases (issue 20) saves
 * and costs, on the demo's six podlets. Writes bench/results/minify.json and minify.md.
 *
 *   npm run bench:minify     (env: BENCH_REPS=31)
 *
 * Bytes: every JavaScript module of each podlet's public/ as published (tsc's output) and as the CDN
 * stores it (minifyReleaseFiles), raw and compressed as the CDN precompresses a module pages load
 * (brotli quality 11, gzip level 9). Per cold home page: the modules of the demo's home page, read
 * from the modulepreload links of the page the demo's layout serves (startInProcessDemo, the test
 * store), podlet releases before and after, libraries (unchanged) beside them for the total. The
 * sizes served are the CDN metadata's own (size, encodings); a file without encodings is served raw.
 *
 * Time: publishing the demo's largest podlet release (most bytes in public/) into a fresh store,
 * BENCH_REPS times each way, interleaved: "before" is what publishPodletFiles did before
 * minification (buildVersionMetadata then writeVersion of the files as published), "after" is
 * publishPodletFiles; and minifyReleaseFiles alone. The first transform of a process also starts
 * esbuild's service; that first call is timed apart, before the repetitions.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { minifyReleaseFiles } from '../runtime/cdn/build/minify-release-files.ts';
import { buildVersionMetadata } from '../runtime/cdn/publish/build-version-metadata.ts';
import { publishPodletFiles } from '../runtime/cdn/publish/publish-podlet-files.ts';
import { writeVersion } from '../runtime/cdn/publish/write-version.ts';
import type { VersionMetadata } from '../runtime/shared/cdn-protocol/types.ts';
import { walkFiles } from '../runtime/shared/files/walk-files.ts';
import { isJavaScriptModule } from '../runtime/shared/http/content-type-for.ts';
import { startInProcessDemo } from '../test/helpers/demo-in-process.ts';
import { describeMachine, markdownTable, spreadOf, spreadText, type Spread } from './lib/stats.ts';
import { writeResults } from './lib/write-results.ts';
import { openStore } from '../runtime/cdn/store/open-store.ts';

const reps = Number(process.env.BENCH_REPS ?? 31);
const podletsDir = fileURLToPath(new URL('../podlets/', import.meta.url));
const podletNames = ['auth', 'footer', 'geo', 'header', 'image', 'search'];

interface Bytes {
  raw: number;
  gzip: number;
  br: number;
}
const zero = (): Bytes => ({ raw: 0, gzip: 0, br: 0 });
function add(into: Bytes, more: Bytes): void {
  into.raw += more.raw;
  into.gzip += more.gzip;
  into.br += more.br;
}

/** A module's bytes raw and as the CDN precompresses what pages load. */
function bytesOf(file: Buffer): Bytes {
  const br = brotliCompressSync(file, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: file.length },
  });
  return { raw: file.length, gzip: gzipSync(file, { level: 9 }).length, br: br.length };
}

async function readRelease(name: string): Promise<Map<string, Buffer>> {
  const dir = join(podletsDir, name, 'public');
  const files = new Map<string, Buffer>();
  for (const path of await walkFiles(dir, '')) files.set(path, await readFile(join(dir, path)));
  return files;
}

/** Per podlet: the bytes of its JavaScript modules as published and as stored. */
async function measurePodlets(releases: Map<string, Map<string, Buffer>>) {
  const rows: Array<{ podlet: string; modules: number; before: Bytes; after: Bytes }> = [];
  for (const [podlet, files] of releases) {
    const minified = await minifyReleaseFiles(files);
    const [before, after] = [zero(), zero()];
    const modules = [...files.keys()].filter(isJavaScriptModule);
    for (const path of modules) {
      add(before, bytesOf(files.get(path)!));
      add(after, bytesOf(minified.files.get(path)!));
    }
    rows.push({ podlet, modules: modules.length, before, after });
  }
  return rows;
}

/** The modules of the demo's cold home page: podlet releases as published and as served, and libraries as served. */
async function measureHome(releases: Map<string, Map<string, Buffer>>) {
  const demo = await startInProcessDemo({ serviceWorker: false });
  try {
    const html = await (await fetch(demo.layoutUrl)).text();
    const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
    const metadata = new Map<string, VersionMetadata>();
    const home = { podletModules: [] as string[], libraries: 0, releasesBefore: zero(), releasesAfter: zero(), librariesServed: zero() };
    for (const url of preloads) {
      const [, kind, name, version, file] = /\/(npm|podlet)\/((?:@[^/]+\/)?[^@/]+)@([^/]+)\/(.+)$/.exec(new URL(url).pathname)!;
      const key = `${kind}/${name}@${version}`;
      if (!metadata.has(key)) metadata.set(key, (await (await fetch(new URL(`/-/${key}`, demo.cdnUrl))).json()) as VersionMetadata);
      const entry = metadata.get(key)!.files[file!]!;
      const served = { raw: entry.size, gzip: entry.encodings?.gzip ?? entry.size, br: entry.encodings?.br ?? entry.size };
      if (kind === 'podlet') {
        home.podletModules.push(`${name}/${file}`);
        add(home.releasesAfter, served);
        add(home.releasesBefore, bytesOf(releases.get(name!)!.get(file!)!));
      } else {
        home.libraries++;
        add(home.librariesServed, served);
      }
    }
    return home;
  } finally {
    await demo.close();
  }
}

/** Publish times of one release, before and after minification, interleaved, each into a fresh store. */
async function measurePublish(name: string, files: Map<string, Buffer>) {
  const root = await mkdtemp(join(tmpdir(), 'podmap-bench-minify-'));
  try {
    const time = async (run: (store: string, version: string) => Promise<unknown>, i: number, tag: string) => {
      const store = join(root, `${tag}-${i}`);
      const start = performance.now();
      await run(store, `1.0.${i}`);
      return performance.now() - start;
    };
    const before = (store: string, version: string) =>
      buildVersionMetadata('podlet', { name, version }, files).then((built) => writeVersion(openStore(store), built, files));
    const after = (store: string, version: string) => publishPodletFiles(store, name, version, files);
    const firstStart = performance.now();
    await minifyReleaseFiles(files);
    const firstMinify = performance.now() - firstStart;
    const samples = { before: [] as number[], after: [] as number[], minify: [] as number[] };
    for (let i = 0; i < reps; i++) {
      const order = i % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const);
      for (const which of order) samples[which].push(await time(which === 'before' ? before : after, i, which));
      const start = performance.now();
      await minifyReleaseFiles(files);
      samples.minify.push(performance.now() - start);
    }
    return { firstMinify, before: spreadOf(samples.before), after: spreadOf(samples.after), minify: spreadOf(samples.minify) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const kb = (n: number) => (n / 1024).toFixed(2);
const saved = (before: number, after: number) => `${(100 - (after / before) * 100).toFixed(0)} %`;
const triple = (b: Bytes) => `${kb(b.raw)} / ${kb(b.gzip)} / ${kb(b.br)}`;

function renderMarkdown(results: {
  machine: Awaited<ReturnType<typeof describeMachine>>;
  podlets: Awaited<ReturnType<typeof measurePodlets>>;
  home: Awaited<ReturnType<typeof measureHome>>;
  publish: { podlet: string; files: number; bytes: number; firstMinify: number; before: Spread; after: Spread; minify: Spread };
}): string {
  const { podlets, home, publish } = results;
  const total = { before: zero(), after: zero() };
  for (const row of podlets) {
    add(total.before, row.before);
    add(total.after, row.after);
  }
  const podletRows = [...podlets, { podlet: 'all six', modules: podlets.reduce((n, r) => n + r.modules, 0), ...total }].map((r) => [
    r.podlet,
    String(r.modules),
    triple(r.before),
    triple(r.after),
    `${saved(r.before.raw, r.after.raw)} / ${saved(r.before.gzip, r.after.gzip)} / ${saved(r.before.br, r.after.br)}`,
  ]);
  const homeAll = { before: { ...home.librariesServed }, after: { ...home.librariesServed } };
  add(homeAll.before, home.releasesBefore);
  add(homeAll.after, home.releasesAfter);
  const homeRow = (what: string, before: Bytes, after: Bytes) => [what, triple(before), triple(after), saved(before.br, after.br)];
  return [
    '# Podlet releases minified per file (bench:minify)',
    '',
    `${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}. KB = 1024 bytes; each cell raw / gzip (level 9) / brotli (quality 11), as the CDN precompresses a module pages load.`,
    '',
    "## The demo's podlet modules (JavaScript only; .d.ts files are not loaded by pages and are untouched)",
    '',
    markdownTable(['podlet', 'modules', 'published KB', 'minified KB', 'saved (raw / gzip / br)'], podletRows),
    '',
    `## A cold visit to home: ${home.podletModules.length} podlet modules (${home.podletModules.join(', ')}) and ${home.libraries} library modules`,
    '',
    'Bodies only (no headers), as the CDN serves them: the podlet modules before (as published, compressed here the way the CDN does) and after (the CDN metadata of the minified release); libraries are browser builds, minified already and unchanged.',
    '',
    markdownTable(
      ['modules', 'before KB', 'after KB', 'saved (br)'],
      [
        homeRow('podlet releases', home.releasesBefore, home.releasesAfter),
        homeRow('libraries', home.librariesServed, home.librariesServed),
        homeRow('all modules of the page', homeAll.before, homeAll.after),
      ],
    ),
    '',
    `## Publish time: ${publish.podlet} (the largest release: ${publish.files} files, ${kb(publish.bytes)} KB), ${publish.before.n} repetitions each, interleaved`,
    '',
    markdownTable(
      ['step', 'ms, median (min–max)'],
      [
        ['publish before (metadata and write of the files as published)', spreadText(publish.before, 1)],
        ['publish after (publishPodletFiles: minify, metadata, write)', spreadText(publish.after, 1)],
        ['minifyReleaseFiles alone', spreadText(publish.minify, 1)],
        ["minifyReleaseFiles, a process's first call (starts esbuild's service)", publish.firstMinify.toFixed(1)],
      ],
    ),
    '',
  ].join('\n');
}

const releases = new Map<string, Map<string, Buffer>>();
for (const name of podletNames) releases.set(name, await readRelease(name));
const size = (files: Map<string, Buffer>) => [...files.values()].reduce((n, b) => n + b.length, 0);
const largest = [...releases].sort(([, a], [, b]) => size(b) - size(a))[0]!;
const publishFigures = await measurePublish(largest[0], largest[1]);
const publish = { podlet: largest[0], files: largest[1].size, bytes: size(largest[1]), ...publishFigures };
const results = { machine: await describeMachine(), podlets: await measurePodlets(releases), home: await measureHome(releases), publish };
await writeResults('minify', results, renderMarkdown(results));
process.exit(0);
