import { forkTsx, hasExited, stopChild } from '../../layouts/fork-server.ts';

/**
 * A child process that bench/faults.ts drives over IPC: it says `{ type: 'ready', value }` once
 * it is up, then answers each `{ id, op, ... }` with `{ type: 'reply', id, value }` or
 * `{ type: 'reply', id, error }`. The parent half is forkIpcChild(); the child half is serveIpc().
 */
export interface IpcChild<Ready> {
  pid: number;
  /** What the child sent with 'ready'. */
  ready: Ready;
  /** Sends `{ op, ...args }` and resolves with the child's reply. */
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** Asks the child to shut down ('shutdown' op), then SIGTERM, then SIGKILL; resolves once it exited. */
  stop(): Promise<void>;
}

type Reply = { type?: string; id?: number; value?: unknown; error?: string };

/** Forks `script` (TypeScript, through tsx) with `env`; rejects if it exits or is not ready within `readyMs` (60 s). */
export function forkIpcChild<Ready>(
  script: string,
  env: Record<string, string>,
  log: (line: string) => void,
  readyMs = 60_000,
): Promise<IpcChild<Ready>> {
  const child = forkTsx(script, { env, log });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  const exited = () => hasExited(child);
  child.on('message', (m: Reply) => {
    if (m?.type !== 'reply' || m.id === undefined) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(`${script}: ${m.error}`));
    else p?.resolve(m.value);
  });
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${script} exited (${signal ?? code})`));
    pending.clear();
  });
  const call = <T>(op: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      if (exited()) return reject(new Error(`${script} has exited`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, ...args });
    });
  // The child's own shutdown first; SIGTERM if it has not exited 3 s later, SIGKILL 3 s after that.
  const stop = async () => {
    if (exited()) return;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    call('shutdown').catch(() => {});
    const waited = await Promise.race([exit.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 3000).unref())]);
    if (!waited) await stopChild(child);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`bench: ${script} was not ready within ${readyMs / 1000} s`));
    }, readyMs);
    child.on('message', (m: Reply) => {
      if (m?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ pid: child.pid!, ready: m.value as Ready, call, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bench: ${script} exited (${signal ?? code}) before it was ready`));
    });
  });
}

/**
 * The child half: sends `ready`, then runs `ops[op]` for each message and replies. The 'shutdown'
 * op runs `ops.shutdown` (if any), replies, and exits.
 */
export function serveIpc(ready: unknown, ops: Record<string, (args: Record<string, unknown>) => unknown>): void {
  const send = (m: unknown) => process.send?.(m);
  process.on('message', (m: { id: number; op: string } & Record<string, unknown>) => {
    const run = ops[m.op] ?? (m.op === 'shutdown' ? () => undefined : undefined);
    if (!run) {
      send({ type: 'reply', id: m.id, error: `unknown op "${m.op}"` });
      return;
    }
    Promise.resolve()
      .then(() => run(m))
      .then(
        (value) => send({ type: 'reply', id: m.id, value }),
        (error: unknown) => send({ type: 'reply', id: m.id, error: String((error as Error)?.stack ?? error) }),
      )
      .finally(() => {
        if (m.op === 'shutdown') setTimeout(() => process.exit(0), 50);
      });
  });
  // The parent gone (killed, crashed): do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', value: ready });
}
