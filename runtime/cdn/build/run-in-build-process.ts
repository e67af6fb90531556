import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
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

/** What a build process may write to the CDN's stderr in its life. */
const STDERR_BYTES = 4096;

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
 * Runs one job in a build process, a child Node process with an esbuild service of its own, so
 * that input which stops esbuild's service (262,144 `!` in a row), hangs it, or exhausts
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
    let child = idle.pop();
    // One that is going (its 'exit' not yet heard) would fail a job that did nothing wrong.
    while (child && !child.connected) child = idle.pop();
    child ??= startBuildProcess();
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
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  passOnStderr(child);
  // An idle process that dies, or cannot be signalled, is no longer offered; a running job hears of it itself.
  const forget = () => {
    const at = idle.indexOf(child);
    if (at >= 0) idle.splice(at, 1);
  };
  child.on('exit', forget).on('error', forget);
  return child;
}

/**
 * The flags that make this process load modules as it does (`--import tsx`, `--require`,
 * `--loader`, `--conditions`, type stripping), without the rest: a test runner's or an
 * inspector's flags would make the worker a test run or open a debugger port.
 */
function loaderFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  const withValue = /^(--import|--require|-r|--loader|--experimental-loader|--conditions|-C)$/;
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (withValue.test(flag) && i + 1 < execArgv.length) kept.push(flag, execArgv[++i]!);
    else if (/^(--import|--require|--loader|--experimental-loader|--conditions)=/.test(flag)) kept.push(flag);
    else if (/^--(enable-source-maps|experimental-(strip|transform)-types)$/.test(flag)) kept.push(flag);
  }
  return kept;
}

/**
 * Sends `job` to `child` and waits for its answer, its death or its time-out. A healthy child goes
 * back to the idle list; one that is killed (past its budget, or its esbuild stopped: the calls
 * after the stop failed for that reason, not for the input, so its answer is not taken) is waited
 * for until it is gone. An answer that came after the budget is a time-out all the same (the
 * timer and the answer can arrive in one turn).
 */
function runJob(child: ChildProcess, job: BuildJob): Promise<unknown> {
  const pid = child.pid ?? 0;
  return new Promise((resolve, reject) => {
    let started: number | null = null;
    let stopped: PodmapError | null = null;
    const stop = (error: PodmapError) => {
      stopped = error;
      killGroup(child);
    };
    const after = (ms: number, detail: string) => setTimeout(() => stop(new PodmapError('PODMAP_ERR_CDN_BUILD_TIMEOUT', detail)), ms);
    let timer = after(START_TIMEOUT_MS, `process ${pid} did not load the job in ${START_TIMEOUT_MS} ms`);
    const finish = () => {
      clearTimeout(timer);
      child.off('message', onMessage).off('exit', onExit).off('error', onExit);
    };
    const onMessage = (answer: BuildAnswer) => {
      if (stopped) return;
      clearTimeout(timer);
      if (answer.type === 'started') {
        started = performance.now();
        timer = after(job.timeoutMs, `process ${pid} killed after ${job.timeoutMs} ms`);
      } else if (!answer.healthy) {
        stop(new PodmapError('PODMAP_ERR_CDN_BUILD_CRASHED', `esbuild's service in process ${pid} stopped during the job`));
      } else {
        finish();
        keepIdle(child);
        const elapsed = started === null ? 0 : Math.round(performance.now() - started);
        if (elapsed >= job.timeoutMs)
          reject(new PodmapError('PODMAP_ERR_CDN_BUILD_TIMEOUT', `process ${pid} answered after ${elapsed} ms`));
        else if (answer.ok) resolve(answer.value);
        else reject(rebuildError(answer.error));
      }
    };
    // 'error': the process could not be started (or signalled), and may never emit 'exit'.
    const onExit = (code: number | Error | null, signal?: NodeJS.Signals | null) => {
      finish();
      const how = code instanceof Error ? code.message : (signal ?? `code ${code}`);
      reject(stopped ?? new PodmapError('PODMAP_ERR_CDN_BUILD_CRASHED', `process ${pid} exited (${how}) without an answer`));
    };
    child.on('message', onMessage).on('exit', onExit).on('error', onExit).ref();
    child.channel?.ref();
    (child.stderr as Socket).ref();
    // A closed channel means the process is going: its 'exit' answers.
    child.send(requestOf(job), () => {});
  });
}

/** What the worker is sent: the job's module by URL, resolved with the caller's extension. */
function requestOf(job: BuildJob): BuildRequest {
  const extension = job.from.endsWith('.ts') ? '.ts' : '.js';
  return { url: new URL(`${job.module}${extension}`, job.from).href, name: job.name, args: job.args };
}

/**
 * Passes the first STDERR_BYTES of what the process and its esbuild write to stderr on to this
 * process's: enough for an error, where esbuild's stack dump when its parser overflows is 37 KB,
 * and a publisher could have one written at every publish.
 */
function passOnStderr(child: ChildProcess): void {
  let left = STDERR_BYTES;
  child.stderr!.on('data', (chunk: Buffer) => {
    if (left > 0) process.stderr.write(chunk.length > left ? Buffer.concat([chunk.subarray(0, left), Buffer.from('\n…\n')]) : chunk);
    left -= chunk.length;
  });
}

/** Keeps a healthy child for the next job, without it keeping this process alive (it exits when this one does). */
function keepIdle(child: ChildProcess): void {
  child.unref();
  child.channel?.unref();
  (child.stderr as Socket).unref();
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
