import { IMMUTABLE_CACHE_CONTROL } from '../../shared/cdn-protocol/cdn-urls.ts';
import { packageKinds } from '../../shared/cdn-protocol/types.ts';
import { PodmapError, type ErrorCode } from '../../shared/errors.ts';
import { PACKAGE_NAME_PART } from '../../shared/is-package-name.ts';

// Stricter than the file location's patterns, because names and versions end up in JSON bodies
// and in paths of the store index: a name part as isPackageName allows it (PACKAGE_NAME_PART),
// an exact version as parseVersionRef allows it (no build metadata), an alias as "3" or "0.1".
const part = PACKAGE_NAME_PART;
const kind = `(?<podmap_kind>${packageKinds.join('|')})`;
const name = `(?<podmap_name>(?:@${part}/)?${part})`;
const exact = '(?<podmap_version>[0-9]+\\.[0-9]+\\.[0-9]+(?:-[0-9A-Za-z.-]+)?)';
const line = '(?<podmap_line>[1-9][0-9]{0,8}|0\\.(?:0|[1-9][0-9]{0,8}))';

/** The nginx directives shared by the generated config's locations. */
export interface NginxHeaders {
  /** CORS, Timing-Allow-Origin and nosniff on every answer. */
  shared: string[];
  /** The shared headers, `Cache-Control: no-store` and a JSON type for error answers. */
  missing: string[];
  aliasMaxAge: number;
  /** The store's absolute path. */
  root: string;
}

/**
 * The locations of generateNginxConfig that serve the store index (store-paths.ts,
 * storeIndexPath) and version metadata: versions lists, metadata, package maps with their 409,
 * the alias redirects of files, metadata and maps, and the JSON 404s of podmap's server. Nothing
 * in them names a package, so publishing never calls for a new config.
 */
export function nginxIndexLocations(headers: NginxHeaders): string {
  // Regular-expression locations are tried in order; these patterns never overlap, and the
  // named locations after them are only reached by try_files.
  return `    # Alias of a file: 302 to the same file of the newest exact version in that line.
    location ~ "^/${kind}/${name}@${line}/(?<podmap_file>.+)$" {
      # Group 4 is the file; a numbered capture is written percent-encoded when the request was.
      set $podmap_escaped_file $4;
${indent(aliasRedirect(headers, '', '/$podmap_file_location'), 6)}
    }
${indexLookupLocations(headers)}    location ~ "^/-/${kind}/${name}@${line}$" {
${indent(aliasRedirect(headers, '/-', ''), 6)}
    }
    location ~ "^/-/map/${kind}/${name}@${line}$" {
${indent(aliasRedirect(headers, '/-/map', ''), 6)}
    }
${missingLocations(headers)}`;
}

/** The versions list, a version's metadata and its package map, each read from the store as it is. */
function indexLookupLocations(headers: NginxHeaders): string {
  const short = `add_header Cache-Control "public, max-age=${headers.aliasMaxAge}";`;
  return `    # GET /-/<kind>/<name>: the versions list, as the index holds it.
    location ~ "^/-/${kind}/${name}$" {
${indent([...headers.shared, short], 6)}
      try_files /-index/versions/$podmap_kind/$podmap_name.json @podmap_package_unknown;
    }
    # GET /-/<kind>/<name>@<exact>: the version's meta.json.
    location ~ "^/-/${kind}/${name}@${exact}$" {
${indent([...headers.shared, `add_header Cache-Control "${IMMUTABLE_CACHE_CONTROL}";`], 6)}
      try_files /$podmap_kind/$podmap_name@$podmap_version/meta.json @podmap_version_unknown;
    }
    # GET /-/map/<kind>/<name>@<exact>: the package map, as the index holds it.
    location ~ "^/-/map/${kind}/${name}@${exact}$" {
${indent([...headers.shared, short], 6)}
      try_files /-index/maps/$podmap_kind/$podmap_name@$podmap_version.json @podmap_map_failed;
    }
`;
}

/** The named locations the look-ups fall back to: podmap's JSON 404s, and a map's stored 409. */
function missingLocations(headers: NginxHeaders): string {
  const known = '-f $document_root/-index/versions/$podmap_kind/$podmap_name.json';
  const versionDetail = '$podmap_kind/$podmap_name@$podmap_version';
  const unknownVersion = [
    `if (${known}) { return 404 '${errorBody('PODMAP_ERR_CDN_VERSION_UNKNOWN', versionDetail)}'; }`,
    `return 404 '${errorBody('PODMAP_ERR_CDN_PACKAGE_UNKNOWN', versionDetail)}';`,
  ];
  return `    location @podmap_package_unknown {
${indent([...headers.missing, `return 404 '${errorBody('PODMAP_ERR_CDN_PACKAGE_UNKNOWN', '$podmap_kind/$podmap_name')}';`], 6)}
    }
    location @podmap_version_unknown {
${indent([...headers.missing, ...unknownVersion], 6)}
    }
    # No map: the stored 409 (a dependency is missing) with its body, or the 404 of the version.
    location @podmap_map_failed {
${indent(headers.missing, 6)}
      error_page 409 @podmap_map_error;
      if (-f $document_root/-index/map-errors/$podmap_kind/$podmap_name@$podmap_version.json) { return 409; }
${indent(unknownVersion, 6)}
    }
    location @podmap_map_error {
${indent(headers.missing, 6)}
      try_files /-index/map-errors/$podmap_kind/$podmap_name@$podmap_version.json =404;
    }
`;
}

/**
 * The body of an alias location. `root` is the alias link of the index, so `$realpath_root`
 * is the version folder it points at, whose name ends in the exact version
 * ($podmap_alias_exact, a map in the http block). A missing link is a line without versions.
 */
function aliasRedirect(headers: NginxHeaders, prefix: string, suffix: string): string[] {
  const notFound = `return 404 '${errorBody('PODMAP_ERR_NOT_FOUND')}';`;
  return [
    `root "${headers.root}/-index/aliases/$podmap_kind/$podmap_name@$podmap_line";`,
    ...(suffix
      ? [
          // The file as the client spelled it, as podmap's server spells it; else nginx's escaping.
          'set $podmap_file_location $podmap_raw_file;',
          'if ($podmap_file_location = "") { set $podmap_file_location $podmap_escaped_file; }',
        ]
      : []),
    // One Cache-Control for both answers, decided before nginx writes the headers.
    'set $podmap_cache "no-store";',
    ...headers.shared,
    'add_header Cache-Control $podmap_cache always;',
    'types { }',
    'default_type "application/json";',
    // realpath() of a missing link would fail the request with 500, so look first.
    `if (!-d $document_root) { ${notFound} }`,
    `if ($podmap_alias_exact = "") { ${notFound} }`,
    `set $podmap_cache "public, max-age=${headers.aliasMaxAge}";`,
    `return 302 ${prefix}/$podmap_kind/$podmap_name@$podmap_alias_exact${suffix};`,
  ];
}

/**
 * podmap's error JSON for `code` as an nginx single-quoted string body; `detail` may hold nginx
 * variables, which fill in what podmap's server puts there.
 */
export function errorBody(code: ErrorCode, detail?: string): string {
  const placeholder = 'PODMAP-DETAIL-PLACEHOLDER';
  const json = JSON.stringify(new PodmapError(code, detail === undefined ? undefined : placeholder).toJSON());
  // nginx reads "\" as an escape inside quotes and "$" as a variable; the catalogue has neither.
  if (json.includes('$')) throw new TypeError(`${code}: a "$" cannot be written in an nginx string`);
  return json.replace(/[\\']/g, '\\$&').replace(placeholder, detail ?? '');
}

/** Indents each line of a directive list by `spaces`. */
export function indent(lines: string[], spaces: number): string {
  return lines.map((text) => ' '.repeat(spaces) + text).join('\n');
}

/** The CORS and nosniff headers of every answer, in both generated configs, as podmap's server sends them (sharedHeaders). */
export const SHARED_HEADER_LINES: readonly string[] = [
  'add_header Access-Control-Allow-Origin "*" always;',
  'add_header Timing-Allow-Origin "*" always;',
  'add_header X-Content-Type-Options "nosniff" always;',
];

/** The nginx `map` choosing the stored tree to send by Accept-Encoding: br/ and gz/ hold the precompressed copies under the same paths as files/. */
export const ENCODING_TREE_MAP = `map $http_accept_encoding $podmap_tree {
    default files;
    "~*\\bbr\\b" br;
    "~*\\bgzip\\b" gz;
  }`;
