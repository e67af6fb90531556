import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** How a TypeScript entry point runs as a child process. */
export interface ChildOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  args?: string[];
  cwd?: string;
  /** Gets the child's output line by line: stdout as written, stderr prefixed with `[label]`. */
  log?: (line: string) => void;
  /** Names the child in its stderr lines and in errors (default: the script's file name). */
  label?: string;
}

/** Runs `script` through tsx as a child process with an IPC channel, its output passed to `options.log`. */
export function forkTsx(script: string, options: ChildOptions = {}): ChildProcess {
  const log = options.log ?? (() => {});
  const label = options.label ?? path.basename(script);
  const child = fork(script, options.args ?? [], {
    cwd: options.cwd,
    env: { ...(process.env as Record<string, string>), ...options.env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  child.stderr!.on('data', (d: Buffer) => log(`[${label}] ${d.toString().trimEnd()}`));
  return child;
}

/** Whether a child has exited (or was killed). */
export const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** SIGTERM now and SIGKILL after `graceMs` if it is still there; resolves once the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (hasExited(child)) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
  });
}

/** A server running as a child process, and how to stop it. */
export interface ForkedServer {
  url: string;
  /** The child's process id (to read its CPU time from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `script` as a server process (forkTsx) and resolves with the URL it reports over IPC as
 * `{ type: 'podmap:listening', url }` (what listenFromEnv sends). Rejects if the child exits first,
 * says nothing within `timeoutMs` (no limit unless given), or `signal` aborts before it listens
 * (the child is stopped first); an abort stops a listening child too. An exit that stop() or the
 * signal did not cause is logged.
 */
export function forkServer(
  script: string,
  options: ChildOptions & { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ForkedServer> {
  const label = options.label ?? path.basename(script);
  const child = forkTsx(script, options);
  let stopping = false;
  const stop = () => {
    stopping = true;
    return stopChild(child);
  };
  return new Promise((resolve, reject) => {
    const { timeoutMs } = options;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            void stop();
            reject(new Error(`podmap: ${label} did not listen within ${timeoutMs / 1000} s`));
          }, timeoutMs);
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m?.type !== 'podmap:listening' || !m.url) return;
      clearTimeout(timer);
      resolve({ url: m.url, pid: child.pid!, stop });
    });
    options.signal?.addEventListener('abort', () => void stop().then(() => reject(new Error(`podmap: ${label} was stopped`))), {
      once: true,
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`podmap: ${label} exited (${signal ?? code}) before it listened`));
      if (!stopping) options.log?.(`podmap: ${label} exited (${signal ?? code})`);
    });
  });
}
