import { cdnCommand } from './commands/cdn.ts';
import { devCommand } from './commands/dev.ts';
import { initCommand } from './commands/init.ts';
import { publishCommand } from './commands/publish.ts';
import { publishPackageCommand } from './commands/publish-package.ts';
import type { CliCommand, CliIo } from './cli-io.ts';
import { readOwnPackage } from './read-own-package.ts';

const commands: Record<string, CliCommand> = {
  init: initCommand,
  dev: devCommand,
  publish: publishCommand,
  'publish-package': publishPackageCommand,
  cdn: cdnCommand,
};

const usage = () =>
  [
    'usage: podmap <command> [options]',
    '',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(16)} ${command.summary}`),
    '',
    '`podmap <command> --help` shows a command\'s options. Errors print as "podmap: <code>: <message>";',
    "podmap's docs/errors.md explains each code.",
  ].join('\n');

const processIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  cwd: process.cwd(),
};

/**
 * Runs `podmap <args>` and resolves with the exit code: 0 when done, 2 for a command line it
 * does not understand (PODMAP_ERR_CLI_USAGE), 1 for any other failure. Every failure is printed
 * on one line (then any detail) as `podmap: <code>: <message>`.
 */
export async function runPodmap(args: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(readOwnPackage().version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`podmap: PODMAP_ERR_CLI_USAGE: there is no command "${name}"\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    await command.run(rest, io);
    return 0;
  } catch (error) {
    const { code, message, detail } = error as Error & { code?: string; detail?: string };
    const prefix = `podmap: ${code ? `${code}: ` : ''}`;
    // A usage error's own words and the usage say more than the catalogue's general sentence;
    // a configuration error (createConfigError) carries the prefix in its message already.
    const text = code === 'PODMAP_ERR_CLI_USAGE' && detail ? detail : message.startsWith(prefix) ? message.slice(prefix.length) : message;
    io.err(`${prefix}${text}`);
    return code === 'PODMAP_ERR_CLI_USAGE' ? 2 : 1;
  }
}
