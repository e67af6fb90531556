import type { PackageManifest } from '../shared/cdn-protocol/types.ts';

// What `npm pack` always leaves out, beyond dotfiles and node_modules (which the walk skips).
const alwaysExcluded = [/^package-lock\.json$/, /(^|\/)npm-debug\.log$/, /\.orig$/, /(^|\/)config\.gypi$/];
// What `npm pack` always includes from the package root, whatever `files` says.
const alwaysIncluded = /^(package\.json|(readme|license|licence|copying|notice)(\.[^/]*)?)$/i;

/**
 * Which files of an installed package folder `npm pack` would put in its tarball: all of them,
 * or only those matched by the `files` field (files, folders and globs; "!" negates), plus
 * package.json, README, LICENSE and `main`. `paths` comes from a walk that already skipped
 * dotfiles and nested node_modules. Pure; called by readPackageFolder. npm's .npmignore rules
 * are not applied: installed packages were already filtered by them when they were published.
 */
export function selectPackageFiles(paths: readonly string[], manifest: PackageManifest): string[] {
  const main = manifest.main ? normalise(manifest.main) : undefined;
  const patterns = Array.isArray(manifest.files) ? manifest.files.filter((p) => typeof p === 'string') : null;
  const include = patterns?.filter((p) => !p.startsWith('!')).map(toRegExp);
  const exclude = patterns?.filter((p) => p.startsWith('!')).map((p) => toRegExp(p.slice(1)));
  return paths.filter((path) => {
    if (alwaysExcluded.some((re) => re.test(path))) return false;
    if (alwaysIncluded.test(path) || path === main) return true;
    if (!include) return true;
    return include.some((re) => re.test(path)) && !exclude!.some((re) => re.test(path));
  });
}

function normalise(pattern: string): string {
  return pattern.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** A `files` pattern as a regular expression that matches the file itself or anything below it. */
function toRegExp(pattern: string): RegExp {
  let source = '';
  const text = normalise(pattern);
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '*' && text[i + 1] === '*') {
      source += '.*';
      i++;
      if (text[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{' && text.indexOf('}', i) > i) {
      // Brace alternatives, as in lit's "/index.{d.ts,js}"; not nested.
      const end = text.indexOf('}', i);
      source += `(?:${text
        .slice(i + 1, end)
        .split(',')
        .map(escape)
        .join('|')})`;
      i = end;
    } else source += escape(char);
  }
  return new RegExp(`^${source}(/.*)?$`);
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}
