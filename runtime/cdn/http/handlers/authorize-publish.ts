import { PodmapError } from '../../../shared/errors.ts';
import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { findTeamToken } from '../../tokens/find-team-token.ts';
import { scopeAllows } from '../../tokens/scope-allows.ts';
import type { TeamToken } from '../../tokens/team-token.ts';

/**
 * Checks that a `PUT` of `<kind>/<name>` may publish, before its body is read: throws
 * PODMAP_ERR_CDN_PUBLISH_DISABLED (403) when the server has no token at all,
 * PODMAP_ERR_CDN_UNAUTHORIZED (401) when the Authorization header holds none of its tokens, and
 * PODMAP_ERR_CDN_FORBIDDEN (403, naming the token's team and scope) when the token's scope does
 * not cover the package. Returns the token that may.
 */
export function authorizePublish(
  tokens: readonly TeamToken[],
  authorization: string | undefined,
  kind: PackageKind,
  name: string,
): TeamToken {
  if (tokens.length === 0) throw new PodmapError('PODMAP_ERR_CDN_PUBLISH_DISABLED');
  const token = findTeamToken(tokens, authorization);
  if (!token) throw new PodmapError('PODMAP_ERR_CDN_UNAUTHORIZED');
  if (!scopeAllows(token.scope, kind, name)) {
    throw new PodmapError(
      'PODMAP_ERR_CDN_FORBIDDEN',
      `the token of team ${JSON.stringify(token.team)} may publish ${token.scope.join(', ')}; not ${kind}/${name}`,
    );
  }
  return token;
}
