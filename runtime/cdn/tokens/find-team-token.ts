import { timingSafeEqual } from 'node:crypto';
import { digestToken, type TeamToken } from './team-token.ts';

/**
 * The token an `Authorization: Bearer <token>` header presents, or undefined when the header is
 * missing, malformed or holds a token none of `tokens` has. The presented token is hashed and
 * compared with every stored digest in constant time, without stopping at a match, so the time
 * an answer takes says nothing about the tokens (digests are of one length: lengths leak nothing).
 */
export function findTeamToken(tokens: readonly TeamToken[], authorization: string | undefined): TeamToken | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const digest = digestToken(match[1]!);
  let found: TeamToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(digest, token.digest) && found === undefined) found = token;
  }
  return found;
}
