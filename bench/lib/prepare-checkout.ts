import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A checkout ready to run, or why there is none. */
export type Checkout = { dir: string; prepared: boolean } | { dir: null; reason: string };

/** Written last into a prepared checkout: a folder without it is half-made and is made again. */
const MARKER = '.podmap-bench-checkout';

/**
 * The tree of `commit` with its runtime's dependencies installed, in `dir`, for a benchmark to
 * run an older version beside this one. Reused when `dir` already holds that commit; otherwise
 * made from this repository with `git archive` (no worktree to register or prune) and
 * `npm ci --omit=dev --ignore-scripts` (the runtime's dependencies only: the benchmark runs the
 * old code through this tree's tsx). Takes a minute or so, once. Resolves with the reason
 * instead when git does not have the commit (a shallow clone) or the install fails (no network),
 * so the caller can leave that column out and say why.
 */
export async function prepareCheckout(repoRoot: string, commit: string, dir: string, log: (line: string) => void): Promise<Checkout> {
  if ((await readFile(join(dir, MARKER), 'utf8').catch(() => '')).trim() === commit) return { dir, prepared: false };
  const known = await run('git', ['-C', repoRoot, 'cat-file', '-e', `${commit}^{commit}`], repoRoot);
  if (!known.ok) return { dir: null, reason: `git has no commit ${commit.slice(0, 7)} here (a shallow clone? \`git fetch --unshallow\`)` };
  log(`bench: preparing ${commit.slice(0, 7)} in ${dir} (git archive, npm ci --omit=dev), once`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const extracted = await run('sh', ['-c', `git -C "$0" archive --format=tar "$1" | tar -x -C "$2"`, repoRoot, commit, dir], repoRoot);
  if (!extracted.ok) return { dir: null, reason: `git archive ${commit.slice(0, 7)} failed: ${extracted.output}` };
  const installed = await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
  if (!installed.ok || !existsSync(join(dir, 'node_modules'))) {
    return { dir: null, reason: `npm ci in ${dir} failed (no registry?): ${installed.output}` };
  }
  await writeFile(join(dir, MARKER), `${commit}\n`);
  return { dir, prepared: true };
}

/** Runs a command; resolves with whether it exited 0 and the last lines it printed. */
function run(command: string, args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ ok: false, output: error.message }));
    child.on('close', (code) => resolve({ ok: code === 0, output: output.trim().split('\n').slice(-3).join(' / ') }));
  });
}
