/* eslint-disable max-lines -- the catalogue is one table, read top to bottom; docs/errors.md mirrors it row for row */
/**
 * The one catalogue of podmap's server errors. Every error a podlet, layout or CDN reports
 * carries one of these codes, an HTTP status and a message that tells the user what to fix.
 *
 * Codes are stable: a retired code stays here with `retired: true` and is never reused.
 * `docs/errors.md` lists the same codes; test/shared/errors.test.ts keeps the two in step and
 * checks that runtime/ uses every code but the retired ones, and no other.
 */
export interface ErrorDefinition {
  status: number;
  message: string;
  retired?: boolean;
}

export const errorCatalogue = {
  // ── Podlets and layouts ──────────────────────────────────────────────────────────────────
  PODMAP_ERR_MANIFEST_UNREACHABLE: {
    status: 502,
    message: 'The podlet manifest could not be fetched; check that the podlet runs and its manifest URL is right.',
  },
  PODMAP_ERR_MANIFEST_INVALID: {
    status: 502,
    message: "The podlet manifest is not valid JSON or does not match Podium's manifest schema.",
  },
  PODMAP_ERR_PODMAP_INVALID: {
    status: 502,
    message: "The podlet's podmap.json (its needs, exposes and module graph) is malformed.",
  },
  PODMAP_ERR_CONTENT_TIMEOUT: {
    status: 504,
    message: 'The podlet did not answer its content request within the timeout; its fallback was served.',
  },
  PODMAP_ERR_CONTENT_FAILED: {
    status: 502,
    message: 'The podlet content request failed or answered with an error status; its fallback was served.',
  },
  PODMAP_ERR_RENDER_FAILED: {
    status: 500,
    message:
      "The podlet's server render threw, or its content was a lit template while it renders on the client; the layout serves its fallback.",
  },
  PODMAP_ERR_RENDER_TIMEOUT: {
    status: 504,
    message: "The podlet's server render did not finish within its time limit; the response was cut and the layout serves its fallback.",
  },
  PODMAP_ERR_STYLE_UNDECLARED: {
    status: 500,
    message: "A server-rendered <style> block's hash is not among the podlet's styleHashes; a page's Content-Security-Policy blocks it.",
  },
  PODMAP_ERR_HYDRATION_MISMATCH: {
    status: 500,
    message:
      "lit could not hydrate a server-rendered element: the server's markup does not match what the browser's template expects; the browser logs the podlet and the element.",
  },
  PODMAP_ERR_NEED_UNSATISFIED: {
    status: 502,
    message: 'No version on the asset CDN satisfies a range the podlet needs; the podlet was served with its fallback.',
  },
  PODMAP_ERR_EXPOSE_CONFLICT: {
    status: 500,
    message:
      'A podlet exposes a bare specifier that a library on the CDN or another podlet already maps; libraries keep theirs, and among podlets the one whose name sorts first keeps it.',
  },
  PODMAP_ERR_CDN_UNREACHABLE: {
    status: 502,
    message: 'The asset CDN could not be reached to pin library versions; check the CDN URL.',
  },
  PODMAP_ERR_PODLET_NAME: {
    status: 500,
    message: 'A podlet name must be 2–100 characters of letters, digits, "_" and "-", and unique in a layout.',
  },
  PODMAP_ERR_OVERRIDE_REJECTED: {
    status: 400,
    message: 'An import-map override points at a host that the layout does not allow, or is malformed.',
  },
  PODMAP_ERR_NOT_FOUND: {
    status: 404,
    message: 'Nothing is served at this path.',
  },
  PODMAP_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This resource does not accept that HTTP method.',
  },
  PODMAP_ERR_PODLET_RELEASE_MISMATCH: {
    status: 500,
    message: "The podlet's release on the asset CDN is missing or differs from its compiled files; the podlet serves its modules itself.",
  },
  PODMAP_ERR_INTERNAL: {
    status: 500,
    message: 'Internal server error; the details are in the server log.',
  },
  PODMAP_ERR_SPECIFIER_UNRESOLVED: {
    status: 502,
    message:
      "A module in the podlet's graph imports a bare specifier that the page's import map cannot resolve (a package the CDN lacks, an entry it marked unavailable, or a dependency nobody declared); the podlet was served with its fallback.",
  },
  PODMAP_ERR_CDN_REFUSED: {
    status: 502,
    message:
      "The asset CDN refused a request the layout made for a podlet's need; the log names the CDN's own code, and the podlet was served with its fallback.",
  },
  PODMAP_ERR_DYNAMIC_IMPORT_UNRESOLVED: {
    status: 502,
    message:
      "A podlet module's dynamic import() names a bare specifier the page's import map cannot resolve; logged as a warning only: the podlet runs, and its import() rejects in the browser.",
  },
  PODMAP_ERR_NAMESPACE_DENIED: {
    status: 403,
    message:
      "A podlet tried to add, replace or shadow an import-map entry outside the namespace the layout grants it (its own package name, unless the layout's options grant more); the entry was left out.",
  },
  PODMAP_ERR_NAMESPACE_OWNED: {
    status: 403,
    message:
      "A podlet claimed a package name, or exposed a specifier under it, that another registered podlet owns by the layout's registration (a grant, or the name it is registered under); refused to this podlet alone.",
  },
  PODMAP_ERR_EXPOSE_URL_REFUSED: {
    status: 502,
    message: "A podlet exposes a module at a URL that is not http(s) on the podlet's own asset origin or the CDN; the expose was left out.",
  },
  PODMAP_ERR_PODMAP_TOO_LARGE: {
    status: 502,
    message:
      "The podlet's podmap.json is over the layout's limits (size, needs, exposes or modules); the podlet was served with its fallback.",
  },
  PODMAP_ERR_MANIFEST_TOO_LARGE: {
    status: 502,
    message: "The podlet's manifest is larger than the layout accepts; the podlet was served with its fallback.",
  },
  PODMAP_ERR_FALLBACK_FAILED: {
    status: 502,
    message: "The podlet's fallback could not be fetched (time-out, error or non-2xx); the fallback cached before, if any, stays.",
  },
  PODMAP_ERR_CIRCUIT_OPEN: {
    status: 503,
    message:
      'The podlet failed or timed out repeatedly: its fallback is served at once, with no request, while it is probed in the background; the first probe that succeeds closes the circuit.',
  },
  PODMAP_ERR_CIRCUIT_CLOSED: {
    status: 200,
    message: 'A background probe of a podlet whose circuit was open succeeded; its content is fetched again as usual.',
  },
  PODMAP_ERR_REFETCH_LIMITED: {
    status: 429,
    message:
      "A podlet's manifest was asked for again sooner than the layout allows (its podlet-version changes on every response?); the refetch was coalesced or put off.",
  },
  PODMAP_ERR_PAGE_STATE_REFUSED: {
    status: 502,
    message:
      "A podlet's podmap-state header was refused (not ASCII JSON, over 4 KB, or a channel that is not the podlet's); the page gets no state from it, its content is kept.",
  },
  PODMAP_ERR_WORKER_UNAVAILABLE: {
    status: 503,
    message:
      'The service worker script cannot be built now (a page of the layout cannot be composed, the CDN down?); browsers keep the worker they have and check again later.',
  },
  PODMAP_ERR_WORKER_REGISTRATION: {
    status: 500,
    message: "The browser refused to register the layout's service worker (logged in the browser's console); the page works without it.",
  },
  PODMAP_ERR_BAD_PATH: {
    status: 400,
    message: 'The path is malformed or tries to leave its root (.., encoded separators, NUL, backslash, too long).',
  },

  // ── Configuration: thrown at start-up as TypeError or RangeError carrying one of these codes ──
  PODMAP_ERR_CONFIG_SERVICE_WORKER: {
    status: 500,
    message:
      'The serviceWorker option is wrong: a path that is not an absolute ".js" path of letters, digits, "-", "_", "." and "/", one that is a page, or a time-out that is not a positive number of ms.',
  },
  PODMAP_ERR_CONFIG_PORT: {
    status: 500,
    message: 'A port must be an integer from 0 to 65535 (0 picks a free port).',
  },
  PODMAP_ERR_CONFIG_OPTION: {
    status: 500,
    message: 'An option has a value of the wrong kind or out of range; the message names the option and what it accepts.',
  },
  PODMAP_ERR_CONFIG_UNKNOWN_PODLET: {
    status: 500,
    message: 'A page names a podlet that is not registered; add it to the podlets option or remove it from the page.',
  },
  PODMAP_ERR_CONFIG_EXPOSE_OUTSIDE_PACKAGE: {
    status: 500,
    message: 'A podlet may only expose specifiers under its own package name ("<package name>/…" from its package.json).',
  },
  PODMAP_ERR_CONFIG_ENTRY_MISSING: {
    status: 500,
    message: "A podlet's entry module is not among its compiled files in public/; run the build (npm run build).",
  },
  PODMAP_ERR_CONFIG_RENDER_MODE: {
    status: 500,
    message: "A podlet's render option must be 'client', 'ssr-only' or 'hydrate'.",
  },
  PODMAP_ERR_CONFIG_SSR_MISSING: {
    status: 500,
    message:
      "A podlet renders on the server ('ssr-only' or 'hydrate') but @lit-labs/ssr is not installed in its folder; run npm install @lit-labs/ssr there.",
  },
  PODMAP_ERR_CONFIG_HYDRATE_SUPPORT: {
    status: 500,
    message:
      "A podlet that hydrates must use lit 3 and import lit's hydrate support in its entry modules, before lit: '@lit-labs/ssr-client/lit-element-hydrate-support.js'. lit 2 can render on the server ('ssr-only') but not hydrate.",
  },
  PODMAP_ERR_CONFIG_UNDECLARED_IMPORT: {
    status: 500,
    message: "A podlet's module imports a package that is not in the dependencies of its package.json; add it with the range it supports.",
  },
  PODMAP_ERR_CONFIG_CSP_SOURCE: {
    status: 500,
    message: 'A Content-Security-Policy source or report URI holds a space, ";" or ",", which would add sources or directives.',
  },

  // ── The podmap command: exit code 2 for usage, 1 for the rest ─────────────────────────────
  PODMAP_ERR_CLI_USAGE: {
    status: 400,
    message:
      'The command line is wrong: an unknown command or option, or a missing or extra argument; `podmap <command> --help` shows its usage.',
  },
  PODMAP_ERR_CLI_NEEDS_PACKAGE: {
    status: 500,
    message:
      'This command needs a package that is not installed next to @podmap/runtime; the message names it and the npm install that adds it.',
  },
  PODMAP_ERR_PUBLISH_PACKAGE_JSON: {
    status: 400,
    message: 'The folder has no readable package.json, or it lacks a valid name and an exact semver version.',
  },
  PODMAP_ERR_PUBLISH_NO_PUBLIC: {
    status: 400,
    message: 'The podlet has no compiled public/ folder with a JavaScript module in it; run its build (tsc) first.',
  },
  PODMAP_ERR_PUBLISH_BUNDLED: {
    status: 400,
    message:
      "A file in public/ is not tsc's unbundled output: it holds a bundler's runtime, or it has no source in assets/. Podlets ship one module per source file.",
  },
  PODMAP_ERR_PUBLISH_NO_CDN: {
    status: 400,
    message: "Publishing needs the CDN's URL (--cdn or PODMAP_CDN_URL) and a token (PODMAP_CDN_TOKEN).",
  },
  PODMAP_ERR_PUBLISH_UNREACHABLE: {
    status: 502,
    message: 'The CDN could not be reached, or it did not answer in time; nothing was published.',
  },
  PODMAP_ERR_INIT_BAD_NAME: {
    status: 400,
    message:
      'A podlet name is 2–50 lowercase letters, digits and "-", starting with a letter (it becomes a package name and a custom element podlet-<name>).',
  },
  PODMAP_ERR_INIT_EXISTS: {
    status: 409,
    message: 'The target folder exists and is not empty; choose another name or --dir.',
  },

  // ── Dev server (podmap dev): thrown at start-up as PodmapError; the status is nominal ──────
  PODMAP_ERR_DEV_TYPESCRIPT_MISSING: {
    status: 500,
    message:
      'The podlet cannot resolve the "typescript" package, which the dev server compiles its assets/ with; install typescript in the podlet (npm install --save-dev typescript).',
  },
  PODMAP_ERR_DEV_TSCONFIG: {
    status: 500,
    message: "The podlet's tsconfig.json (or a file it extends) cannot be read or parsed; the message has TypeScript's diagnostic.",
  },
  PODMAP_ERR_DEV_SERVER_MODULE: {
    status: 500,
    message:
      "The podlet's server module (server.js, or server.ts under tsx) is missing, fails to load, or does not export `podlet`, the result of createPodlet(); the message says which, with the cause (often: run the build first).",
  },

  // ── Asset CDN ────────────────────────────────────────────────────────────────────────────
  // (the CDN adds its codes below this line)
  PODMAP_ERR_CDN_BAD_NAME: {
    status: 400,
    message:
      "The package name is not valid: use npm's rules (lowercase letters, digits, '-', '.', '_', '~', an optional @scope/) and a plain name for podlets.",
  },
  PODMAP_ERR_CDN_BAD_VERSION: {
    status: 400,
    message: 'The version is malformed: use an exact semver version (3.3.3) or a major alias (3, or 0.<minor> below 1.0.0).',
  },
  PODMAP_ERR_CDN_PACKAGE_UNKNOWN: {
    status: 404,
    message: 'The store holds no package of that kind and name; publish it first.',
  },
  PODMAP_ERR_CDN_VERSION_UNKNOWN: {
    status: 404,
    message: 'The store holds no such version of that package; list its versions at /-/<kind>/<name>.',
  },
  PODMAP_ERR_CDN_DEPENDENCY_MISSING: {
    status: 409,
    message:
      'No version in the store satisfies a dependency of the package, so its import map cannot be built; publish that dependency first.',
  },
  PODMAP_ERR_CDN_VERSION_EXISTS: {
    status: 409,
    message: 'That version is already published; published versions are immutable, so publish a new version instead.',
  },
  PODMAP_ERR_CDN_UNAUTHORIZED: {
    status: 401,
    message:
      'Publishing needs the header "Authorization: Bearer <token>" with a token the CDN was started with (PODMAP_CDN_TOKEN, or one whose sha256 is in PODMAP_CDN_TOKENS_FILE).',
  },
  PODMAP_ERR_CDN_PUBLISH_DISABLED: {
    status: 403,
    message:
      'Publishing over HTTP is disabled because the CDN has no publish token; set PODMAP_CDN_TOKEN or PODMAP_CDN_TOKENS_FILE (the publishToken or tokensFile option).',
  },
  PODMAP_ERR_CDN_UPLOAD_TOO_LARGE: {
    status: 413,
    message: 'The upload is larger than the CDN accepts (maxUploadBytes).',
  },
  PODMAP_ERR_CDN_UPLOAD_TIMEOUT: {
    status: 408,
    message: "The upload did not finish within the CDN's upload timeout (uploadTimeoutMs).",
  },
  PODMAP_ERR_CDN_TARBALL_INVALID: {
    status: 400,
    message:
      'The upload is not a gzipped tarball the CDN accepts (an npm tarball with a package.json, or a podlet release: files and folders under package/), or an entry in it has an unsafe path or a type it may not have (a link in a release).',
  },
  PODMAP_ERR_CDN_STORE_FAILED: {
    status: 500,
    message: 'The store could not be read or written; the CDN log has the cause (permissions, disk space).',
  },
  PODMAP_ERR_CDN_STORE_UNREACHABLE: {
    status: 503,
    message:
      "The CDN's object store did not answer or refused the CDN's credentials; check the endpoint, bucket and keys (AWS_ENDPOINT_URL, PODMAP_CDN_STORE, AWS_ACCESS_KEY_ID).",
  },
  PODMAP_ERR_CDN_STORE_CONFLICT: {
    status: 503,
    message:
      'Other publishers kept changing the same store index file, and this update lost every compare-and-swap it tried; the version is stored, and the next publish or a reindex brings the index up to date.',
  },
  PODMAP_ERR_CDN_STORE_URL: {
    status: 500,
    message: 'The store location is not a folder or an s3://<bucket>/<prefix> URL the CDN can use.',
  },
  PODMAP_ERR_CDN_NOT_FOR_BROWSERS: {
    status: 422,
    message:
      'The package cannot run in a browser: its entry points import Node built-ins or native addons. Publish a browser build of it, or depend on it only from server code.',
  },
  PODMAP_ERR_CDN_BUILD_FAILED: {
    status: 422,
    message: "The package's browser build failed; the message names the entry point and the build engine's error.",
  },
  PODMAP_ERR_CDN_BUILD_TIMEOUT: {
    status: 504,
    message:
      "The package's browser build took longer than the CDN's budget for one build and its build process was killed; nothing was stored. Publishing again may succeed on a less busy CDN; a package that is this slow to build every time needs smaller modules.",
  },
  PODMAP_ERR_CDN_BUILD_CRASHED: {
    status: 422,
    message:
      "The package's browser build stopped its build process (the build engine crashed on the input, such as code nested too deeply, or the process ran out of memory); nothing was stored, and the CDN's other builds were not affected.",
  },
  PODMAP_ERR_CDN_MINIFY_SKIPPED: {
    status: 422,
    message:
      "A warning: a podlet release's module or stylesheet was stored unminified, as published: esbuild could not parse it or its map, or warned, or it was over the CDN's size or time limits; the CDN logs it, names the file, and publishes the release.",
  },
  PODMAP_ERR_CDN_TARBALL_TOO_LARGE: {
    status: 413,
    message: 'The tarball unpacks to more bytes or entries than the CDN accepts (maxUnpackedBytes, maxEntries); nothing was stored.',
  },
  PODMAP_ERR_CDN_MANIFEST_TOO_LARGE: {
    status: 413,
    message: "The package's package.json is over the CDN's limits (its size, or the number of exports keys); nothing was stored.",
  },
  PODMAP_ERR_CDN_PUBLISH_MISMATCH: {
    status: 400,
    message: "The tarball's package.json names another package or version than the URL it was sent to.",
  },
  PODMAP_ERR_CDN_FORBIDDEN: {
    status: 403,
    message:
      "The token is valid but its scope does not cover this package; the message names the token's team and scope. Ask for a token with that scope.",
  },
  PODMAP_ERR_CDN_TOKENS_FILE: {
    status: 500,
    message:
      'The CDN tokens file (PODMAP_CDN_TOKENS_FILE, the tokensFile option) or a token entry is malformed: unreadable, not JSON, an entry without a team, a 64-hex-digit sha256 or a known scope form, or two entries with one hash; the message names the entry. The server does not start.',
  },
  PODMAP_ERR_CDN_SHAKEN_REQUEST_INVALID: {
    status: 400,
    message:
      'The body of POST /-/shaken is not a shaken-builds request: not JSON, a key that is not "name@exact", a list that is not names, or over the limits of docs/shaken-builds.md.',
  },
  PODMAP_ERR_CDN_SHAKEN_FAILED: {
    status: 500,
    message:
      "The CDN could not build a package version shaken to the site's imports (the message has the build engine's error); the layout maps its full build.",
  },
  PODMAP_ERR_CDN_SHAKEN_TIMEOUT: {
    status: 504,
    message: "A shaken build took longer than the CDN's shakenTimeoutMs and was stopped; the layout maps the full build.",
  },
  PODMAP_ERR_CDN_SHAKEN_LIMIT: {
    status: 507,
    message:
      'The package version already has as many shaken builds as the CDN keeps (shakenVariants); no new one is made and the layout maps the full build. Publishing a new version starts afresh.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An error with a catalogue code; HTTP handlers turn it into a JSON response with its status. */
export class PodmapError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: ErrorOptions) {
    const definition: ErrorDefinition = errorCatalogue[code];
    super(detail ? `${definition.message} (${detail})` : definition.message, options);
    this.name = 'PodmapError';
    this.code = code;
    this.status = definition.status;
    this.detail = detail;
  }

  /** The JSON body every podmap server sends for an error. */
  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** A configuration error: a `TypeError` or `RangeError` whose `code` is a catalogue code. */
export type ConfigError = (TypeError | RangeError) & { code: ErrorCode };

/**
 * The error podmap throws at start-up for a wrong option or setting: the platform's own
 * TypeError (wrong kind) or RangeError (out of range), carrying a stable catalogue code, so a
 * caller can tell them apart without reading messages. `detail` names the option and value.
 */
export function createConfigError(
  code: ErrorCode,
  detail: string,
  Kind: TypeErrorConstructor | RangeErrorConstructor = TypeError,
): ConfigError {
  const error = new Kind(`podmap: ${code}: ${errorCatalogue[code].message} (${detail})`) as ConfigError;
  error.code = code;
  return error;
}
