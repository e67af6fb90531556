import { readFileSync } from 'node:fs';
import { createConfigError } from '../../shared/errors.ts';
import { findTokenEntryProblem } from './find-token-entry-problem.ts';
import type { TeamToken, TeamTokenEntry } from './team-token.ts';

/**
 * Reads a tokens file (`{ "tokens": [ { team, sha256, scope } ] }`, docs/cdn.md) into the tokens
 * the server accepts. Synchronous, as it runs once while the server is created. Anything wrong
 * fails the start with a TypeError carrying PODMAP_ERR_CDN_TOKENS_FILE whose message names the
 * file and the entry: a file that cannot be read or is not JSON, a top level other than
 * `{ tokens: [...] }`, an entry findTokenEntryProblem refuses, or two entries with one hash
 * (one token would then have two scopes).
 */
export function readTokensFile(file: string): TeamToken[] {
  const fail = (detail: string) => createConfigError('PODMAP_ERR_CDN_TOKENS_FILE', `${file}: ${detail}`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw fail((error as Error).message);
  }
  const entries = (document as { tokens?: unknown } | null)?.tokens;
  if (typeof document !== 'object' || Array.isArray(document) || !Array.isArray(entries) || Object.keys(document!).length !== 1) {
    throw fail('the file must be an object with one key, "tokens", an array of { team, sha256, scope }');
  }
  const seen = new Map<string, number>();
  return entries.map((value: unknown, index) => {
    const problem = findTokenEntryProblem(value);
    const where = `tokens[${index}]${problemTeam(value)}`;
    if (problem !== null) throw fail(`${where}: ${problem}`);
    const entry = value as TeamTokenEntry;
    const sha256 = entry.sha256.toLowerCase();
    const first = seen.get(sha256);
    if (first !== undefined) throw fail(`${where} has the same sha256 as tokens[${first}]; one token has one scope`);
    seen.set(sha256, index);
    return { team: entry.team, scope: [...entry.scope], digest: Buffer.from(sha256, 'hex') };
  });
}

/** ` (team "auth")` when the entry names a team that can be shown, so the message points at it. */
function problemTeam(value: unknown): string {
  const team = (value as { team?: unknown } | null)?.team;
  return typeof team === 'string' ? ` (team ${JSON.stringify(team).slice(0, 80)})` : '';
}
