import { randomBytes } from 'node:crypto';
import { createConfigError } from '../../shared/errors.ts';
import { findTokenEntryProblem } from './find-token-entry-problem.ts';
import { digestToken, type TeamTokenEntry } from './team-token.ts';

/**
 * Makes a new publish token for `team` and the tokens-file entry that grants it `scope`
 * (docs/cdn.md): the token is 32 random bytes, base64url, shown once to be handed to the team;
 * the entry holds only its sha256, to be added to the file PODMAP_CDN_TOKENS_FILE names. Throws
 * a TypeError with PODMAP_ERR_CDN_TOKENS_FILE for a team name or scope the file would refuse.
 */
export function createTeamToken(team: string, scope: readonly string[]): { token: string; entry: TeamTokenEntry } {
  const token = randomBytes(32).toString('base64url');
  const entry: TeamTokenEntry = { team, sha256: digestToken(token).toString('hex'), scope: [...scope] };
  const problem = findTokenEntryProblem(entry);
  if (problem !== null) throw createConfigError('PODMAP_ERR_CDN_TOKENS_FILE', `team ${JSON.stringify(team)}: ${problem}`);
  return { token, entry };
}
