import { minimatch } from 'minimatch';
import type { PackageManifest } from '../../shared/cdn-protocol/types.ts';

// What `npm pack` always leaves out, beyond dotfiles and node_modules (which the walk skips).
const alwaysExcluded = [/^package-lock\.json$/, /(^|\/)npm-debug\.log$/, /\.orig$/, /(^|\/)config\.gypi$/];
// What `npm pack` always includes from the package root, whatever `files` says.
const alwaysIncluded = /^(package\.json|(readme|license|licence|copying|notice)(\.[^/]*)?)$/i;
// npm reads `files` with minimatch too: globstars, braces and extglobs such as rxjs's
// "dist/esm5/**/!(*.tsbuildinfo)"; dot files only where a pattern names them.
const matchOptions = { dot: true, nocomment: true } as const;

/**
 * Which files of an installed package folder `npm pack` would put in its tarball: all of them,
 * or only those the `files` field selects, plus package.json, README, LICENSE and `main`.
 * Patterns apply in order, as npm applies them: a file, folder or glob includes what it matches
 * (a folder, everything below it) and a "!" pattern excludes it again. `paths` comes from a walk
 * that already skipped dotfiles and nested node_modules. Pure; called by readPackageFolder.
 * npm's .npmignore rules are not applied: installed packages were already filtered by them.
 */
export function selectPackageFiles(paths: readonly string[], manifest: PackageManifest): string[] {
  const main = manifest.main ? normalise(manifest.main) : undefined;
  const patterns = Array.isArray(manifest.files) ? manifest.files.filter((p): p is string => typeof p === 'string') : null;
  const rules = patterns?.map((p) => {
    const negated = p.startsWith('!');
    const pattern = normalise(negated ? p.slice(1) : p);
    return { negated, matches: (path: string) => minimatch(path, pattern, matchOptions) || minimatch(path, `${pattern}/**`, matchOptions) };
  });
  return paths.filter((path) => {
    if (alwaysExcluded.some((re) => re.test(path))) return false;
    if (alwaysIncluded.test(path) || path === main) return true;
    if (!rules) return true;
    let included = false;
    for (const rule of rules) if (rule.matches(path)) included = !rule.negated;
    return included;
  });
}

function normalise(pattern: string): string {
  return pattern.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}
