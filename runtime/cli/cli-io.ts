import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PodmapError } from '../shared/errors.ts';

/** Where a command writes and what it reads from its surroundings; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** One `podmap` subcommand. */
export interface CliCommand {
  /** One line for `podmap --help`. */
  summary: string;
  /** What `podmap <command> --help` prints. */
  usage: string;
  run(args: string[], io: CliIo): Promise<void>;
}

/**
 * node:util's parseArgs with podmap's errors: an unknown option, a missing value or a wrong
 * number of positionals throws PODMAP_ERR_CLI_USAGE with the command's usage in the message.
 */
export function parseCommandLine(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  positionals: { min: number; max: number },
): { values: Record<string, string | boolean | Array<string | boolean> | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new PodmapError('PODMAP_ERR_CLI_USAGE', `${(error as Error).message}\n${usage}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    throw new PodmapError(
      'PODMAP_ERR_CLI_USAGE',
      `${count < positionals.min ? 'an argument is missing' : `unexpected "${parsed.positionals.join(' ')}"`}\n${usage}`,
    );
  }
  return parsed;
}

/** Kilobytes with one decimal, for progress lines. */
export const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A string option's value (parseArgs gives booleans for flags). */
export const textOption = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
