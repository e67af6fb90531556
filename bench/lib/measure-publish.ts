import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIconTarball } from './generate-icon-tarball.ts';
import { spreadOf, type Spread } from './stats.ts';

/** A version of the CDN to publish through: a checkout's runtime/cdn/index.ts. */
export interface PublishVersion {
  label: string;
  cdnIndex: string;
}

/** One timed publish. */
export interface PublishRun {
  version: string;
  files: number;
  round: number;
  ms: number;
  /** CPU time of the publishing process and the processes it started (esbuild), in ms. */
  cpuMs: number;
  /** Modules of the browser build stored beside the files (0 before browser builds). */
  built: number;
  maxRssMiB: number;
}

/** Milliseconds per 1,000 files of one version at one size, over the rounds. */
export interface PublishSummary {
  version: string;
  files: number;
  msPer1000: Spread;
  cpuMsPer1000: Spread;
  ms: Spread;
  built: number;
  maxRssMiB: number;
}

const child = fileURLToPath(new URL('./publish-child.ts', import.meta.url));
/** No publish of 50,000 files took more than a few minutes on a loaded machine; past this it hangs. */
const CHILD_TIMEOUT_MS = 20 * 60_000;
const WARM_UP_FILES = 200;

/**
 * Publishes generated icon-set tarballs (generateIconTarball) of each size through each version,
 * `rounds` times, each publish in a fresh child process (publish-child.ts) on an empty store
 * after a small warm-up publish. Within a round the sizes go up and the versions alternate
 * order from round to round, so drift in the machine's load falls on both alike. `log` gets a
 * line per publish.
 */
export async function measurePublish(
  versions: readonly PublishVersion[],
  sizes: readonly number[],
  rounds: number,
  tsxLoader: string,
  log: (line: string) => void,
): Promise<PublishRun[]> {
  const dir = await mkdtemp(join(tmpdir(), 'podmap-bench-publish-'));
  const runs: PublishRun[] = [];
  try {
    const warm = join(dir, 'warm-up.tgz');
    await writeFile(warm, generateIconTarball(WARM_UP_FILES, '1.0.0', 'bench-warm-up'));
    const tarballs = new Map<number, string>();
    for (const files of sizes) {
      tarballs.set(files, join(dir, `icons-${files}.tgz`));
      await writeFile(tarballs.get(files)!, generateIconTarball(files));
    }
    const started = performance.now();
    for (let round = 1; round <= rounds; round++) {
      for (const files of sizes) {
        for (const version of round % 2 === 1 ? versions : [...versions].reverse()) {
          const store = join(dir, 'store');
          try {
            const result = await publishInChild(tsxLoader, [version.cdnIndex, store, warm, tarballs.get(files)!, String(files)]);
            runs.push({ version: version.label, files, round, ...result });
            const elapsed = ((performance.now() - started) / 1000).toFixed(0);
            log(
              `round ${round}  ${String(files).padStart(6)} files  ${version.label.padEnd(28)} ${(result.ms / 1000).toFixed(1).padStart(6)} s  ` +
                `${((result.ms / files) * 1000).toFixed(0).padStart(6)} ms per 1,000, CPU ${((result.cpuMs / files) * 1000).toFixed(0).padStart(6)}  (${elapsed} s in)`,
            );
          } finally {
            await rm(store, { recursive: true, force: true });
          }
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return runs;
}

/** Median (min–max) per version and size. */
export function summarisePublish(runs: readonly PublishRun[]): PublishSummary[] {
  const keys = [...new Set(runs.map((r) => `${r.version}\u0000${r.files}`))];
  return keys.map((key) => {
    const mine = runs.filter((r) => `${r.version}\u0000${r.files}` === key);
    const { version, files } = mine[0]!;
    return {
      version,
      files,
      msPer1000: spreadOf(mine.map((r) => (r.ms / r.files) * 1000)),
      cpuMsPer1000: spreadOf(mine.map((r) => (r.cpuMs / r.files) * 1000)),
      ms: spreadOf(mine.map((r) => r.ms)),
      built: mine[0]!.built,
      maxRssMiB: Math.max(...mine.map((r) => r.maxRssMiB)),
    };
  });
}

/**
 * new ÷ old per round at one size (the two publishes of a round ran next to each other),
 * summarised; of the wall-clock time, or of the CPU time with `measure` 'cpuMs'.
 */
export function pairedRatio(
  runs: readonly PublishRun[],
  files: number,
  newer: string,
  older: string,
  measure: 'ms' | 'cpuMs' = 'ms',
): Spread {
  const ratios: number[] = [];
  for (const run of runs.filter((r) => r.version === newer && r.files === files)) {
    const old = runs.find((r) => r.version === older && r.files === files && r.round === run.round);
    if (old) ratios.push(run[measure] / old[measure]);
  }
  return spreadOf(ratios);
}

function publishInChild(tsxLoader: string, args: string[]): Promise<Omit<PublishRun, 'version' | 'files' | 'round'>> {
  return new Promise((resolve, reject) => {
    const proc = fork(child, args, { execArgv: ['--import', tsxLoader], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: { ms: number; cpuMs: number; built: number; maxRssMiB: number; error?: string } | undefined;
    const timer = setTimeout(() => proc.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    proc.on('message', (m: typeof answer) => (answer = m));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (answer && !answer.error) resolve({ ms: answer.ms, cpuMs: answer.cpuMs, built: answer.built, maxRssMiB: answer.maxRssMiB });
      else reject(new Error(`bench: publishing ${args[3]} through ${args[0]} failed: ${answer?.error ?? `exit ${code ?? signal}`}`));
    });
  });
}
