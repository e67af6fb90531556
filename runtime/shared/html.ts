/**
 * HTML serialisation helpers. Everything a podlet, a manifest or a request controls passes
 * through one of these before it reaches a page.
 */

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => TEXT_ESCAPES[c]!);
}

/**
 * JSON for the inside of a `<script>` element. `<` is written as \u003c, so no value can close
 * the element (`</script>`) or open a comment (`<!--`) that changes how the parser reads it;
 * U+2028/2029 are escaped so the text is also valid JavaScript should anyone eval it.
 */
export function serializeJsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Builds `name="value"` pairs; `true` writes a bare attribute, false/undefined omit it. */
export function attributes(record: Record<string, string | boolean | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  }
  return out;
}

/** True for absolute http(s) URLs, the only kind podmap writes into src/href attributes. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
