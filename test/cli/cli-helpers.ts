import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTeamToken } from '../../runtime/cdn/index.ts';
import { runPodmap } from '../../runtime/cli/run-podmap.ts';
import type { AfterHook } from '../helpers/cleanups.ts';
import { makeTempDir, startCdn } from '../cdn/helpers.ts';

/** What one `podmap` run printed, by stream and by line, and its exit code. */
export interface CliRun {
  code: number;
  out: string[];
  err: string[];
  /** Every line of both streams, for messages that say where they went. */
  all: string;
}

/**
 * Runs `podmap <args>` in this process with `cwd` and `env` as given (never this process's
 * PODMAP_* variables) and what it printed captured, each printed text split into its lines.
 */
export async function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPodmap(args, {
    out: (text) => out.push(...text.split('\n')),
    err: (text) => err.push(...text.split('\n')),
    env: { ...env },
    cwd,
  });
  return { code, out, err, all: [...out, ...err].join('\n') };
}

/** The catalogue code of the failure line `podmap: <code>: …` (the last one, which is the command's own). */
export function printedCode(run: CliRun): string | undefined {
  const codes = run.err.map((line) => /^podmap: (PODMAP_ERR_[A-Z_]+): /.exec(line)?.[1]).filter((code) => code !== undefined);
  return codes.at(-1);
}

/** Writes `files` (path → text) under `dir`, creating folders. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
}

/** Every file below `dir`, as sorted "/"-separated paths ([] for an empty or missing folder). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** A podlet folder as tsc leaves it: package.json, assets/cart.ts and its compiled public/cart.js. */
export function goodPodlet(pkg: Record<string, unknown> = { name: 'cart', version: '1.0.0' }): Record<string, string> {
  return {
    'package.json': JSON.stringify(pkg),
    'assets/cart.ts': 'export const items: string[] = [];\n',
    'public/cart.js': 'export const items = [];\n',
    'public/cart.d.ts': 'export declare const items: string[];\n',
  };
}

/** A CDN on port 0 over a temp store, whose tokens file grants one token per team its scope. */
export async function startCdnWithTeams(
  t: AfterHook,
  teams: Record<string, string[]>,
): Promise<{ cdn: string; storeDir: string; tokens: Record<string, string> }> {
  const dir = await makeTempDir(t, 'podmap-cli-cdn-');
  const tokens: Record<string, string> = {};
  const entries = Object.entries(teams).map(([team, scope]) => {
    const made = createTeamToken(team, scope);
    tokens[team] = made.token;
    return made.entry;
  });
  const tokensFile = path.join(dir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify({ tokens: entries }));
  const storeDir = path.join(dir, 'store');
  // publishToken '' keeps a PODMAP_CDN_TOKEN of the machine running the tests out of this CDN.
  const cdn = await startCdn(t, { storeDir, tokensFile, publishToken: '' });
  return { cdn: `${cdn}/`, storeDir, tokens };
}
