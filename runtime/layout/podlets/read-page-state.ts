import { PodmapError } from '../../shared/errors.ts';

/** The response header a podlet sends state for the page in (docs/sharing.md, "State from the server"). */
export const PAGE_STATE_HEADER = 'podmap-state';

/** The most bytes of one podlet's page state: enough for a session or a chosen location, not for data. */
export const PAGE_STATE_MAX_BYTES = 4096;

/**
 * One podlet's state for the page, from its content response's `podmap-state` header: a JSON
 * object whose keys are store channels and whose values are their states, such as
 * `{"auth":{"user":{"name":"Grace"}}}`. A podlet may only set channels it owns: its own name,
 * or names that start with its name and ":" ("auth:session"), so one team can never write
 * another team's state. Returns the state as JSON that is safe inside a `<script>` element (no
 * "<", ">", "&" or line separators left as they are), null when there is no header, or a
 * PodmapError (PODMAP_ERR_PAGE_STATE_REFUSED) when it is not ASCII, over PAGE_STATE_MAX_BYTES,
 * not a JSON object, or sets a channel the podlet does not own; the page then gets no state from
 * that podlet, and its content is kept.
 */
export function readPageState(podlet: string, header: string | string[] | undefined): string | null | PodmapError {
  if (header === undefined) return null;
  const refuse = (why: string) => new PodmapError('PODMAP_ERR_PAGE_STATE_REFUSED', why);
  if (Array.isArray(header)) return refuse(`${PAGE_STATE_HEADER} sent ${header.length} times`);
  if (header.length > PAGE_STATE_MAX_BYTES) return refuse(`${header.length} bytes (at most ${PAGE_STATE_MAX_BYTES})`);
  // Header values reach Node as latin1: anything outside ASCII must be \u-escaped in the JSON.
  if (!/^[\x20-\x7e]*$/.test(header)) return refuse('not printable ASCII: escape other characters as \\uXXXX');
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    return refuse('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('not a JSON object of channel → state');
  for (const channel of Object.keys(value)) {
    if (channel !== podlet && !channel.startsWith(`${podlet}:`)) {
      return refuse(`channel ${JSON.stringify(channel.slice(0, 100))} is not the podlet's: use "${podlet}" or "${podlet}:…"`);
    }
  }
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
