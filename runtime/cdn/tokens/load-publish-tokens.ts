import { createConfigError } from '../../shared/errors.ts';
import { readTokensFile } from './read-tokens-file.ts';
import { digestToken, type TeamToken } from './team-token.ts';

/** The team name 403 messages give the single token of `publishToken` / PODMAP_CDN_TOKEN. */
export const PUBLISH_TOKEN_TEAM = '(publishToken)';

/**
 * Every token the CDN accepts for `PUT`: the single `publishToken` (PODMAP_CDN_TOKEN), scope `*`,
 * and the entries of `tokensFile` (PODMAP_CDN_TOKENS_FILE, readTokensFile), either, both or
 * neither (an empty list: publishing is off). A file entry with the hash of `publishToken` fails
 * with PODMAP_ERR_CDN_TOKENS_FILE, as the token would have two scopes.
 */
export function loadPublishTokens(options: { publishToken?: string | undefined; tokensFile?: string | undefined }): TeamToken[] {
  const tokens = options.tokensFile ? readTokensFile(options.tokensFile) : [];
  if (!options.publishToken) return tokens;
  const single: TeamToken = { team: PUBLISH_TOKEN_TEAM, scope: ['*'], digest: digestToken(options.publishToken) };
  const clash = tokens.findIndex((token) => token.digest.equals(single.digest));
  if (clash !== -1) {
    throw createConfigError('PODMAP_ERR_CDN_TOKENS_FILE', `${options.tokensFile}: tokens[${clash}] is the publishToken (PODMAP_CDN_TOKEN)`);
  }
  return [single, ...tokens];
}
