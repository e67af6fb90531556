import { fork, type ChildProcess } from 'node:child_process';

/** A server running as a child process, and how to stop it. */
export interface ForkedServer {
  url: string;
  /** The child's process id (to read its CPU time from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `script` (TypeScript, through tsx) as a process of its own with `env`, and resolves with
 * the URL it reports over IPC as `{ type: 'podmap:listening', url }` (what listenFromEnv sends).
 * Fails if the child exits first or says nothing within 20 s; stop() sends SIGTERM, then SIGKILL.
 */
export function forkServer(script: string, env: Record<string, string>, log: (line: string) => void = () => {}): Promise<ForkedServer> {
  const child: ChildProcess = fork(script, [], {
    env: { ...(process.env as Record<string, string>), ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  child.stderr!.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`bench: ${script} did not listen within 20 s`));
    }, 20_000);
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m?.type === 'podmap:listening' && m.url) {
        clearTimeout(timer);
        resolve({ url: m.url, pid: child.pid!, stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bench: ${script} exited (${signal ?? code}) before it listened`));
    });
  });
}
