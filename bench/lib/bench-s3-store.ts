// The s3 part of bench/cdn.ts: the CDN on a bucket of a local Ceph radosgw against the CDN on a
// folder, in the same run: publish time of lit (its six packages, browser builds included) and
// requests/s of podmap's server on each store.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCdnServer, openStore, publishInstalledPackages, type CdnStore } from '../../runtime/cdn/index.ts';
import { startCephBucket, freshLocation } from '../../test/cdn/s3/ceph-bucket.ts';
import { collectCleanups } from '../../test/helpers/cleanups.ts';
import { describeMachine, markdownTable, spreadOf, spreadText } from './stats.ts';

const run = promisify(execFile);
const cases = [
  ['small file', '/npm/lit-html@3.3.3/is-server.js'],
  ['large file', '/npm/lit-html@3.3.3/development/lit-html.js'],
  ['alias redirect', '/npm/lit-html@3/lit-html.js'],
  ['versions list', '/-/npm/lit-html'],
] as const;

/** Runs the comparison `rounds` times, alternating the stores, and writes bench/results/cdn-s3.{json,md}. */
export async function benchS3Store(root: string, options: { rounds: number; seconds: number; connections: number }): Promise<void> {
  const cleanups = collectCleanups();
  try {
    const started = performance.now();
    await startCephBucket(cleanups);
    const cephStartMs = performance.now() - started;
    const publish: Record<'fs' | 's3', number[]> = { fs: [], s3: [] };
    const serve: Record<string, number[]> = {};
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['fs', 's3'] as const) : (['s3', 'fs'] as const);
      for (const driver of order) {
        const dir = await mkdtemp(join(tmpdir(), 'podmap-bench-s3-'));
        cleanups.after(() => rm(dir, { recursive: true, force: true }));
        const store = openStore(driver === 'fs' ? join(dir, 'store') : freshLocation('bench'));
        const began = performance.now();
        await publishInstalledPackages(store, root, ['lit']);
        publish[driver].push(performance.now() - began);
        console.log(`bench: round ${round + 1}, ${driver}: published lit in ${Math.round(publish[driver].at(-1)!)} ms`);
        for (const [label, rps] of await measureServing(store, options)) (serve[`${driver} ${label}`] ??= []).push(rps);
      }
    }
    await writeResults(root, { cephStartMs, publish, serve, ...options });
  } finally {
    await cleanups.run();
  }
}

async function measureServing(store: CdnStore, options: { seconds: number; connections: number }): Promise<Array<[string, number]>> {
  const server = createCdnServer({ storeDir: store });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const measured: Array<[string, number]> = [];
  try {
    for (const [label, path] of cases) {
      // One request first, so wrk measures the steady state (the file cache warm), not the first read.
      if (!(await fetch(origin + path, { redirect: 'manual' })).status) throw new Error(path);
      const { stdout } = await run('/usr/bin/wrk', ['-t2', `-c${options.connections}`, `-d${options.seconds}s`, origin + path]);
      measured.push([label, Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])]);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return measured;
}

async function writeResults(
  root: string,
  results: {
    cephStartMs: number;
    publish: Record<string, number[]>;
    serve: Record<string, number[]>;
    rounds: number;
    seconds: number;
    connections: number;
  },
): Promise<void> {
  const m = await describeMachine();
  const date = new Date().toISOString();
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(join(root, 'bench/results/cdn-s3.json'), JSON.stringify({ date, machine: m, ...results }, null, 2) + '\n');
  const row = (label: string, fs: number[], s3: number[], digits = 0) => [
    label,
    spreadText(spreadOf(fs), digits),
    spreadText(spreadOf(s3), digits),
    (spreadOf(s3).median / spreadOf(fs).median).toFixed(2),
  ];
  const rows = [
    row('publish lit (6 packages), ms', results.publish.fs!, results.publish.s3!),
    ...cases.map(([label]) => row(`${label}, req/s`, results.serve[`fs ${label}`]!, results.serve[`s3 ${label}`]!)),
  ];
  const md = `# CDN benchmark: the store on a folder vs on S3 (Ceph radosgw)

\`BENCH_CDN_PARTS=s3 npm run bench:cdn\` — ${date.slice(0, 10)}, Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB.
One-node Ceph 16.2 (memstore OSD, radosgw) on the same machine, started in ${(results.cephStartMs / 1000).toFixed(1)} s. The machine is
shared with other work and was busy: the figures are noisy, read the medians and the ratios. ${results.rounds} rounds, stores alternating;
median (min–max). Serving: podmap's server alone, wrk ${results.seconds} s per case, ${results.connections} connections, after one warm-up request.

${markdownTable(['case', 'folder', 'S3', 'S3 ÷ folder'], rows)}

Publishing to S3 uploads the release once as one staged object, claims the version, then writes every object in place;
serving reads a file once and keeps it in memory (bounded), and reads versions lists and aliases again at most once a
second (docs/scaling.md).
`;
  await writeFile(join(root, 'bench/results/cdn-s3.md'), md);
  console.log(`\n${md}`);
}
