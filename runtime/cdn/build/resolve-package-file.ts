/**
 * Resolves a relative import inside a package the way a bundler does: the path as written, with
 * ".js", ".mjs" or ".cjs" added, or the folder's index. `from` and the result are paths relative
 * to the package root ("dist/esm5/index.js"); null when the package has no such file or the path
 * climbs out of it. Pure.
 */
export function resolvePackageFile(
  files: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  from: string,
  specifier: string,
): string | null {
  const parts = from.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  const base = parts.join('/');
  for (const candidate of [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`, `${base}/index.js`, `${base}/index.mjs`]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}
