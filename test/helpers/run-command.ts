import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { AfterHook } from './cleanups.ts';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end and resolves with its exit code and output, whatever the code; it is
 * killed, and the promise rejects naming it, after `timeoutMs`.
 */
export function runCommand(
  file: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 180_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const killed = error && (error as { killed?: boolean }).killed;
        if (killed) return reject(new Error(`${file} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * Starts a long-running command and resolves with the first match of `ready` in its output (a
 * URL it prints once it listens). The process is stopped in `t.after`. Rejects with its output
 * if it exits first or prints nothing that matches within `timeoutMs`.
 */
export function startCommand(
  t: AfterHook,
  file: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; ready: RegExp; timeoutMs?: number },
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  // A group of its own: `npx podmap …` runs podmap as a child of npx, and stopping npx alone would
  // leave podmap running, holding this process's pipes open.
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  t.after(() => stopGroup(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file} ${args.join(' ')} printed no ${options.ready} in time:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} ${args.join(' ')} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** SIGTERM to the child's whole process group, SIGKILL after `graceMs`; resolves once the child has exited. */
function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is gone already.
    }
  };
  return new Promise<void>((resolve) => {
    const done = child.exitCode !== null || child.signalCode !== null;
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    timer.unref();
    if (done) return resolve();
    child.once('exit', () => resolve());
  });
}
