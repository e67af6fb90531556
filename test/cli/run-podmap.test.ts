// `podmap` on a command line it does not understand: what the user reads and the exit code.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { makeTempDir } from '../cdn/helpers.ts';
import { listFiles, printedCode, runCli } from './cli-helpers.ts';

const commands = ['init', 'dev', 'publish', 'publish-package', 'cdn'];
const runtimeVersion = (JSON.parse(await readFile(new URL('../../runtime/package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Asserts the run printed the general usage: every command, one a line. */
function assertGeneralUsage(text: string): void {
  assert.match(text, /^usage: podmap <command> \[options\]$/m);
  for (const command of commands) assert.match(text, new RegExp(`^  ${command} +\\S`, 'm'), command);
}

describe('runPodmap() - help and version', () => {
  test('runPodmap() - no arguments - prints the usage and exits 2, as for any command line without a command', async (t) => {
    const run = await runCli([], await makeTempDir(t));
    assert.equal(run.code, 2);
    assertGeneralUsage(run.out.join('\n'));
    assert.deepEqual(run.err, []);
  });

  for (const flag of ['--help', '-h', 'help']) {
    test(`runPodmap() - ${flag} - prints the usage listing every command and exits 0`, async (t) => {
      const run = await runCli([flag], await makeTempDir(t));
      assert.equal(run.code, 0);
      assertGeneralUsage(run.out.join('\n'));
      assert.deepEqual(run.err, []);
    });
  }

  for (const flag of ['--version', '-v']) {
    test(`runPodmap() - ${flag} - prints @podmap/runtime's version alone and exits 0`, async (t) => {
      const run = await runCli([flag], await makeTempDir(t));
      assert.equal(run.code, 0);
      assert.deepEqual(run.out, [runtimeVersion]);
    });
  }

  for (const command of commands) {
    test(`runPodmap() - ${command} --help - prints that command's usage, does nothing else and exits 0`, async (t) => {
      const cwd = await makeTempDir(t);
      const run = await runCli([command, '--help'], cwd);
      assert.equal(run.code, 0);
      assert.match(run.out[0]!, new RegExp(`^usage: podmap ${command} `));
      assert.deepEqual(run.err, []);
      assert.deepEqual(await listFiles(cwd), [], 'nothing written');
    });
  }

  test('runPodmap() - -h after other arguments (publish --dry-run -h) - prints the usage instead of publishing', async (t) => {
    const run = await runCli(['publish', '--dry-run', '-h'], await makeTempDir(t));
    assert.equal(run.code, 0);
    assert.match(run.out[0]!, /^usage: podmap publish /);
    assert.doesNotMatch(run.all, /dry run/);
  });
});

describe('runPodmap() - command lines it does not understand', () => {
  test('runPodmap() - an unknown command - PODMAP_ERR_CLI_USAGE naming it, the usage, exit 2', async (t) => {
    const run = await runCli(['deploy'], await makeTempDir(t));
    assert.equal(run.code, 2);
    assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
    assert.match(run.err[0]!, /"deploy"/);
    assertGeneralUsage(run.err.join('\n'));
  });

  test('runPodmap() - an option in place of a command - PODMAP_ERR_CLI_USAGE, the usage, exit 2', async (t) => {
    const run = await runCli(['--cdn', 'http://127.0.0.1:1/'], await makeTempDir(t));
    assert.equal(run.code, 2);
    assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
    assertGeneralUsage(run.err.join('\n'));
  });

  const unknownOptions: Array<[string, string[]]> = [
    ['init', ['podlet', 'shop', '--force']],
    ['dev', ['--host', '0.0.0.0']],
    ['publish', ['--dryrun']],
    ['publish-package', ['--with-deps', 'x.tgz']],
  ];
  for (const [command, rest] of unknownOptions) {
    test(`runPodmap() - ${command} with an unknown option - PODMAP_ERR_CLI_USAGE naming it, the command's usage, exit 2`, async (t) => {
      const cwd = await makeTempDir(t);
      const run = await runCli([command, ...rest], cwd);
      assert.equal(run.code, 2);
      assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
      assert.match(run.err[0]!, new RegExp(rest.find((arg) => arg.startsWith('-'))!));
      assert.ok(
        run.err.some((line) => line.startsWith(`usage: podmap ${command} `)),
        run.all,
      );
      assert.deepEqual(await listFiles(cwd), [], 'nothing written');
    });
  }

  test('runPodmap() - an option without its value (publish --cdn) - PODMAP_ERR_CLI_USAGE, exit 2', async (t) => {
    const run = await runCli(['publish', '--cdn'], await makeTempDir(t));
    assert.equal(run.code, 2);
    assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
    assert.match(run.all, /--cdn/);
  });

  const wrongCounts: Array<[string[], RegExp]> = [
    [['init'], /an argument is missing/],
    [['init', 'podlet'], /an argument is missing/],
    [['init', 'podlet', 'shop', 'extra'], /unexpected "podlet shop extra"/],
    [['publish', 'a', 'b'], /unexpected "a b"/],
    [['publish-package'], /an argument is missing/],
    [['dev', 'a', 'b'], /unexpected "a b"/],
    [['cdn', 'token'], /a team and at least one scope/],
    [['cdn', 'token', 'shop'], /a team and at least one scope/],
  ];
  for (const [args, message] of wrongCounts) {
    test(`runPodmap() - ${args.join(' ')} (wrong number of arguments) - PODMAP_ERR_CLI_USAGE, the usage, exit 2`, async (t) => {
      const cwd = await makeTempDir(t);
      const run = await runCli(args, cwd);
      assert.equal(run.code, 2, run.all);
      assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
      assert.match(run.err[0]!, message);
      assert.ok(
        run.err.some((line) => line.startsWith(`usage: podmap ${args[0]} `)),
        run.all,
      );
      assert.deepEqual(await listFiles(cwd), [], 'nothing written');
    });
  }
});
