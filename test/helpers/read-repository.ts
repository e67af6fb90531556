import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** What exists: every file of the repository by its path from the root, "/"-separated. */
export interface Repository {
  files: readonly string[];
  /**
   * Names of folders git ignores wherever they are (`public/`: a build's output). A fresh
   * checkout has none, so a path through one is accepted when the folder holding it exists.
   */
  ignoredFolders: readonly string[];
}

/**
 * The repository at `root` as git sees it: tracked files and new ones it does not ignore (so a
 * build's output, there or not, never counts), and the folder names .gitignore ignores anywhere
 * (`public/`). Needs git and a work tree.
 */
export async function readRepository(root: string): Promise<Repository> {
  const { stdout } = await promisify(execFile)('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const gitignore = await readFile(path.join(root, '.gitignore'), 'utf8').catch(() => '');
  return {
    files: stdout.split('\0').filter((file) => file !== ''),
    ignoredFolders: gitignore
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[\w.-]+\/$/.test(line))
      .map((line) => line.slice(0, -1)),
  };
}
