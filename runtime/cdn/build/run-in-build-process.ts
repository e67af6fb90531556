import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { errorCatalogue, PodmapError, type ErrorCode } from '../../shared/errors.ts';
import type { BuildAnswer, BuildRequest } from './build-worker.ts';

/**
 * Build processes running at once; more jobs wait. Two, on the CDN's two cores: esbuild already
 * spreads one build over every core, so more would only share them, while one would let a single
 * slow npm build (up to its 60 s) hold up every podlet release's minify behind it.
 */
export const MAX_BUILD_PROCESSES = 2;

/** The V8 heap of a build process (`--max-old-space-size`, MB): a build that needs more dies alone. */
export const BUILD_PROCESS_HEAP_MB = 1024;

/** From fork to the job's module loaded: a cold start under tsx takes about a second; past this the process is killed. */
const START_TIMEOUT_MS = 30_000;

/** One job for a build process: `name`, exported by the module at `module` (beside `from`, no extension), called with `args`. */
export interface BuildJob {
  /** The caller's import.meta.url: `module` is resolved against it, with the caller's extension (.ts from sources, .js from dist). */
  from: string;
  module: string;
  name: string;
  /** What the function is called with; structured-cloneable (Buffers and Maps pass). */
  args: unknown[];
  /** The job's wall-clock budget, from its module loaded to its answer; past it the process is killed. */
  timeoutMs: number;
}

const idle: ChildProcess[] = [];
const waiting: Array<() => void> = [];
let running = 0;

/**
 * Runs one job in a build process of its own, a child Node process with esbuild's service of its
 * own, so that input which stops esbuild's service (262,144 `!` in a row), hangs it, or exhausts
 * memory takes down that process only. At most MAX_BUILD_PROCESSES run at once, each with a heap of
 * BUILD_PROCESS_HEAP_MB; a healthy process is kept for the next job, one whose esbuild stopped is
 * not. Resolves with what the function returned; rejects with the error it threw (a PodmapError
 * keeps its code), PODMAP_ERR_CDN_BUILD_TIMEOUT when the job outlived `timeoutMs` (the process and
 * its esbuild are killed first), or PODMAP_ERR_CDN_BUILD_CRASHED when the process died, or its
 * esbuild stopped, before the answer. The detail names the process id.
 */
export async function runInBuildProcess<T>(job: BuildJob): Promise<T> {
  if (running < MAX_BUILD_PROCESSES) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    const child = idle.pop() ?? startBuildProcess();
    return (await runJob(child, job)) as T;
  } finally {
    // The slot passes to the next job waiting, or is given back.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** A new build process: the worker module, with this process's loader flags (tsx in the repository) and the heap bound. */
function startBuildProcess(): ChildProcess {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const child = fork(fileURLToPath(new URL(`./build-worker${extension}`, import.meta.url)), [], {
    execArgv: [...loaderFlags(process.execArgv), `--max-old-space-size=${BUILD_PROCESS_HEAP_MB}`],
    serialization: 'advanced',
    // Its own process group, so that a kill reaches esbuild's service, the worker's own child, too.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.once('exit', () => {
    const at = idle.indexOf(child);
    if (at >= 0) idle.splice(at, 1);
  });
  return child;
}

/**
 * The flags that make this process load modules as it does (`--import tsx`, `--require`,
 * `--loader`, `--conditions`), without the rest: a test runner's or inspector's flags would make
 * the worker a test run or open a debugger port.
 */
function loaderFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  const withValue = /^(--import|--require|-r|--loader|--experimental-loader|--conditions|-C)$/;
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (withValue.test(flag) && i + 1 < execArgv.length) kept.push(flag, execArgv[++i]!);
    else if (/^(--import|--require|--loader|--experimental-loader|--conditions)=/.test(flag)) kept.push(flag);
    else if (flag === '--enable-source-maps') kept.push(flag);
  }
  return kept;
}

/** Sends `job` to `child` and waits for its answer, its death or its time-out; a healthy child goes back to the idle list. */
function runJob(child: ChildProcess, job: BuildJob): Promise<unknown> {
  const extension = job.from.endsWith('.ts') ? '.ts' : '.js';
  const request: BuildRequest = { url: new URL(`${job.module}${extension}`, job.from).href, name: job.name, args: job.args };
  const pid = child.pid ?? 0;
  return new Promise((resolve, reject) => {
    let started: number | null = null;
    let killedAfter: number | null = null;
    const arm = (budget: number) =>
      setTimeout(() => {
        killedAfter = budget;
        killGroup(child);
      }, budget);
    let timer = arm(START_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (answer: BuildAnswer) => {
      if (answer.type === 'started') {
        started = performance.now();
        clearTimeout(timer);
        timer = arm(job.timeoutMs);
        return;
      }
      finish();
      if (answer.healthy) keepIdle(child);
      else killGroup(child);
      const elapsed = started === null ? 0 : performance.now() - started;
      const outcome = outcomeOf(answer, pid, elapsed, job.timeoutMs);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome.value);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      finish();
      if (killedAfter !== null) reject(new PodmapError('PODMAP_ERR_CDN_BUILD_TIMEOUT', `process ${pid} killed after ${killedAfter} ms`));
      else reject(new PodmapError('PODMAP_ERR_CDN_BUILD_CRASHED', `process ${pid} exited (${signal ?? `code ${code}`}) without an answer`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.ref();
    child.channel?.ref();
    child.send(request);
  });
}

/**
 * What a job's answer means: an answer that came after the budget is a time-out all the same (the
 * timer and the answer can arrive in one turn), and one from a process whose esbuild stopped is a
 * crash, whatever it says: the calls after the stop failed for that reason, not for the input.
 */
function outcomeOf(
  answer: Extract<BuildAnswer, { type: 'done' }>,
  pid: number,
  elapsed: number,
  budget: number,
): Error | { value: unknown } {
  if (elapsed >= budget)
    return new PodmapError('PODMAP_ERR_CDN_BUILD_TIMEOUT', `process ${pid} answered after ${Math.round(elapsed)} ms, over its ${budget}`);
  if (!answer.healthy) return new PodmapError('PODMAP_ERR_CDN_BUILD_CRASHED', `esbuild's service in process ${pid} stopped during the job`);
  return answer.ok ? { value: answer.value } : rebuildError(answer.error);
}

/** Keeps a healthy child for the next job, without it keeping this process alive (it exits when this one does). */
function keepIdle(child: ChildProcess): void {
  child.unref();
  child.channel?.unref();
  idle.push(child);
}

/** SIGKILL to the child's process group: the worker and esbuild's service under it. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** The error a job threw, as it was: a PodmapError with its code, any other as an Error with its message. */
function rebuildError(error: { code?: string; detail?: string; message: string }): Error {
  if (error.code && Object.hasOwn(errorCatalogue, error.code)) return new PodmapError(error.code as ErrorCode, error.detail);
  return new Error(error.message);
}
