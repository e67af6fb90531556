import { findScopeProblem } from './find-scope-problem.ts';

/** A team name: what 403 messages and logs show, so plain characters only. */
export const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const entryKeys = new Set(['team', 'sha256', 'scope']);

/**
 * Why `value` is not a tokens-file entry `{ team, sha256, scope }` (docs/cdn.md), or null when
 * it is one: `team` matches TEAM_NAME, `sha256` is 64 hex digits, `scope` a non-empty array of
 * entries findScopeProblem accepts, and no other key (a `token` key would be a token stored in
 * clear, which is exactly what the file must not hold).
 */
export function findTokenEntryProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object { team, sha256, scope }';
  const entry = value as Record<string, unknown>;
  const extra = Object.keys(entry).find((key) => !entryKeys.has(key));
  if (extra === 'token') return 'holds a token in clear; store only its sha256';
  if (extra !== undefined) return `unknown key ${JSON.stringify(extra).slice(0, 100)} (only team, sha256 and scope)`;
  if (typeof entry.team !== 'string' || !TEAM_NAME.test(entry.team)) {
    return 'team must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';
  }
  if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(entry.sha256)) return 'sha256 must be 64 hex digits';
  if (!Array.isArray(entry.scope) || entry.scope.length === 0) return 'scope must be a non-empty array';
  for (const scope of entry.scope) {
    const problem = findScopeProblem(scope);
    if (problem !== null) return problem;
  }
  return null;
}
