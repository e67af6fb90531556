/**
 * Reading the import-map overrides cookie (docs/overrides.md). Pure: no I/O, so hostile input can
 * be tested exhaustively. Whatever it accepts is written into a page's import map, so it accepts
 * little: absolute http(s) URLs on allowed hosts, in a small JSON object.
 */

/** The cookie's name; runtime/browser/src/overrides.ts writes it. */
export const OVERRIDES_COOKIE = 'podmap-overrides';

/** Hosts an override may point at unless the layout says otherwise: this machine only. */
export const DEFAULT_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Larger cookie values are refused whole (browsers keep at most ~4 KB per cookie anyway). */
export const MAX_COOKIE_BYTES = 4096;
const MAX_ENTRIES = 32;
const MAX_KEY_LENGTH = 200;

export interface ImportMapOverrides {
  /** Bare specifier → URL, written into the map's `imports`. */
  imports: Record<string, string>;
  /** Podlet name → base URL that replaces the podlet's asset base everywhere in the page. */
  podlets: Record<string, string>;
  /** What was ignored, and why: shown in the page and logged as PODMAP_ERR_OVERRIDE_REJECTED. */
  rejected: Array<{ key: string; value: string; reason: string }>;
}

/**
 * Finds the overrides cookie in a `Cookie` header and validates it. Returns null when there is
 * no such cookie. Called by the layout for each page request, and only when the layout has
 * overrides enabled.
 *
 * URLs are returned normalised (`new URL(value).href`), never as the cookie spelled them.
 */
export function parseOverridesCookie(
  cookieHeader: string | undefined,
  options: { allowedHosts?: readonly string[]; podlets: ReadonlySet<string> },
): ImportMapOverrides | null {
  const raw = findCookie(cookieHeader ?? '', OVERRIDES_COOKIE);
  if (raw === null) return null;
  const result: ImportMapOverrides = { imports: {}, podlets: {}, rejected: [] };
  const refuse = (reason: string) => ({ ...result, rejected: [{ key: OVERRIDES_COOKIE, value: raw.slice(0, 80), reason }] });
  if (raw.length > MAX_COOKIE_BYTES) return refuse(`the cookie is larger than ${MAX_COOKIE_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(raw));
  } catch {
    return refuse('the cookie is not URI-encoded JSON');
  }
  if (!isPlainObject(parsed) || Object.keys(parsed).some((k) => k !== 'imports' && k !== 'podlets')) {
    return refuse('the cookie must be a JSON object with "imports" and/or "podlets" only');
  }
  const sections = { imports: parsed.imports ?? {}, podlets: parsed.podlets ?? {} };
  if (!isPlainObject(sections.imports) || !isPlainObject(sections.podlets)) return refuse('"imports" and "podlets" must be objects');
  if (Object.keys(sections.imports).length + Object.keys(sections.podlets).length > MAX_ENTRIES) {
    return refuse(`more than ${MAX_ENTRIES} overrides`);
  }
  const allowedHosts = new Set((options.allowedHosts ?? DEFAULT_ALLOWED_HOSTS).map((h) => h.toLowerCase()));
  for (const kind of ['imports', 'podlets'] as const) {
    for (const [key, value] of Object.entries(sections[kind])) addOverride(result, kind, key, value, allowedHosts, options.podlets);
  }
  return result;
}

/** Adds one entry of the cookie to `result`, normalised, or records in `result.rejected` why it was ignored. */
function addOverride(
  result: ImportMapOverrides,
  kind: 'imports' | 'podlets',
  key: string,
  value: unknown,
  allowedHosts: ReadonlySet<string>,
  podlets: ReadonlySet<string>,
): void {
  const reject = (reason: string) => void result.rejected.push({ key, value: String(value).slice(0, 200), reason });
  if (typeof value !== 'string') return reject('the URL is not a string');
  const keyProblem = kind === 'imports' ? checkSpecifier(key) : checkPodletName(key, podlets);
  if (keyProblem) return reject(keyProblem);
  const url = checkUrl(value, allowedHosts);
  if (typeof url !== 'string') return reject(url.reason);
  if (kind === 'podlets') {
    result.podlets[key] = url.endsWith('/') ? url : `${url}/`;
  } else if (key.endsWith('/') && !url.endsWith('/')) {
    reject('a specifier that ends in "/" needs a URL that ends in "/" (the browser would ignore it)');
  } else {
    result.imports[key] = url;
  }
}

function checkUrl(value: string, allowedHosts: ReadonlySet<string>): string | { reason: string } {
  // The URL parser would quietly drop tabs and newlines ("java\tscript:") and trim spaces;
  // refuse them instead, along with anything not plainly http(s)://.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029\\]/.test(value)) return { reason: 'the URL holds whitespace, control characters or "\\"' };
  if (!/^https?:\/\/[^/]/i.test(value)) return { reason: 'only absolute http:// and https:// URLs are accepted' };
  let url: URL;
  try {
    url = new URL(value); // no base: "//evil.example/x.js" and "/x.js" throw here
  } catch {
    return { reason: 'the URL does not parse' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { reason: 'only http: and https: URLs are accepted' };
  if (url.username || url.password) return { reason: 'URLs with credentials are not accepted' };
  // url.hostname is canonical (lowercase, IDNA/punycode, IPv4 numbers normalised), so
  // "LOCALHOST" and "127.1" match and a Cyrillic "lоcalhost" (xn--…) does not.
  if (!allowedHosts.has(url.hostname)) return { reason: `host "${url.hostname}" is not in the layout's allowedHosts` };
  if (url.search || url.hash) return { reason: 'URLs with a query or fragment are not accepted' };
  return url.href;
}

function checkSpecifier(key: string): string | null {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return `a specifier must be 1–${MAX_KEY_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(key)) return 'a specifier must not hold whitespace or control characters';
  // "__proto__" as a key of a plain object changes its prototype instead of adding an entry.
  if (key === '__proto__') return 'reserved key';
  return null;
}

function checkPodletName(key: string, podlets: ReadonlySet<string>): string | null {
  return podlets.has(key) ? null : 'no podlet of that name in this layout';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first value of cookie `name` in a Cookie header (RFC 6265 sends the most specific path first). */
function findCookie(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
