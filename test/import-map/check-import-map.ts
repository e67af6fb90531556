/**
 * Checks a parsed import map against the HTML spec's "parse an import map string" and "sort and
 * normalize a specifier map" (https://html.spec.whatwg.org/multipage/webappapis.html#parse-an-import-map-string),
 * plus podmap's own promise that every URL in it is absolute and already in serialized form.
 * Returns one message per problem; an empty list means a browser takes every entry as written.
 *
 * Stricter than the spec where the spec would only warn and drop an entry (an empty key, a
 * trailing-slash key whose URL lacks one, an unknown top-level key): a dropped entry is a bug in
 * a generated map, because the page then fails where the layout thought it would resolve.
 */
export function checkImportMap(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value)) return ['the map is not a JSON object'];
  for (const key of Object.keys(value)) {
    if (key !== 'imports' && key !== 'scopes' && key !== 'integrity') problems.push(`unknown top-level key "${key}"`);
  }
  if (value.imports !== undefined) checkSpecifierMap(value.imports, 'imports', problems);
  if (value.scopes !== undefined) {
    if (!isObject(value.scopes)) problems.push('"scopes" is not an object');
    else {
      for (const [scope, map] of Object.entries(value.scopes)) {
        if (!isAbsoluteSerialized(scope)) problems.push(`scope key "${scope}" is not an absolute URL in serialized form`);
        checkSpecifierMap(map, `scopes["${scope}"]`, problems);
      }
    }
  }
  if (value.integrity !== undefined) {
    if (!isObject(value.integrity)) problems.push('"integrity" is not an object');
    else {
      for (const [url, hash] of Object.entries(value.integrity)) {
        if (!isAbsoluteSerialized(url)) problems.push(`integrity key "${url}" is not an absolute URL in serialized form`);
        if (typeof hash !== 'string' || !/^sha(256|384|512)-[A-Za-z0-9+/]+=*$/.test(hash))
          problems.push(`integrity["${url}"] is not a hash`);
      }
    }
  }
  return problems;
}

function checkSpecifierMap(value: unknown, where: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${where} is not an object`);
    return;
  }
  for (const [key, url] of Object.entries(value)) {
    if (key === '') problems.push(`${where} has an empty key`);
    // A URL-like key is normalized by the browser; a generated map should already hold that form.
    if (isUrlLike(key) && !isAbsoluteSerialized(key))
      problems.push(`${where} key "${key}" is URL-like but not an absolute URL in serialized form`);
    if (typeof url !== 'string') {
      problems.push(`${where}["${key}"] is not a string`);
      continue;
    }
    if (!isAbsoluteSerialized(url)) problems.push(`${where}["${key}"] = "${url}" is not an absolute URL in serialized form`);
    if (key.endsWith('/') && !url.endsWith('/')) problems.push(`${where}["${key}"] ends with "/" but its URL "${url}" does not`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUrlLike(key: string): boolean {
  if (key.startsWith('/') || key.startsWith('./') || key.startsWith('../')) return true;
  return URL.canParse(key);
}

function isAbsoluteSerialized(value: string): boolean {
  return URL.canParse(value) && new URL(value).href === value;
}
