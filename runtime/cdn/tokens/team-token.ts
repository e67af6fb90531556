import { createHash } from 'node:crypto';

/** One entry of a tokens file (docs/cdn.md): a team, the sha256 of its token and what it may publish. */
export interface TeamTokenEntry {
  team: string;
  /** Lower-case hex sha256 of the token's UTF-8 text; the token itself is never stored. */
  sha256: string;
  /** `podlet/<name>`, `podlet/*`, `npm/<name>`, `npm/@scope/*`, `npm/*` or `*` (findScopeProblem). */
  scope: string[];
}

/** A token the CDN accepts for `PUT`, as the server holds it: the digest, never the token. */
export interface TeamToken {
  team: string;
  scope: readonly string[];
  /** The 32 bytes of the sha256 of the token. */
  digest: Buffer;
}

/** The sha256 of a token's UTF-8 text: what a tokens file stores and what a presented token is compared by. */
export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
