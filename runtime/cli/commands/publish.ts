import path from 'node:path';
import { packFiles } from '../../shared/files/pack-files.ts';
import { kilobytes, parseCommandLine, textOption, type CliCommand } from '../cli-io.ts';
import { publishTarget, putToCdn } from '../put-to-cdn.ts';
import { readPodletRelease } from '../read-podlet-release.ts';

const usage = `usage: podmap publish [--cdn URL] [--dry-run] [folder]
Publishes the podlet in this folder (or the one given) to an asset CDN as the immutable release
podlet/<name>@<version>: package.json gives the name (its unscoped part, or "podmap.name") and
the version; the release is the compiled public/ folder, checked first: one module per source
in assets/, nothing bundled.
  --cdn URL     the CDN (default PODMAP_CDN_URL); the token is PODMAP_CDN_TOKEN
  --dry-run     check and pack, print what would be published, upload nothing`;

/** `podmap publish`: the podlet's release, over HTTP, with the team's token. */
export const publishCommand: CliCommand = {
  summary: "publish this podlet's compiled public/ to the CDN as an immutable release",
  usage,
  async run(args, io) {
    const options = { cdn: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const;
    const { values, positionals } = parseCommandLine(args, options, usage, { min: 0, max: 1 });
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    const target = values['dry-run'] ? undefined : publishTarget(textOption(values.cdn), io.env);
    const release = await readPodletRelease(dir);
    const id = `${release.name}@${release.version}`;
    const tarball = packFiles([...release.files].map(([file, bytes]) => ({ path: file, bytes })));
    io.out(`podmap publish: ${id}, ${release.files.size} files (${kilobytes(release.bytes)}, ${kilobytes(tarball.length)} packed)`);
    if (!target) {
      for (const file of release.files.keys()) io.out(`  ${file}`);
      io.out('dry run: checks passed, nothing was uploaded');
      return;
    }
    io.out(`uploading to ${target.cdn} …`);
    const answer = await putToCdn(target, `podlet/${release.name}@${release.version}`, tarball);
    io.out(`published ${id}: ${new URL(`podlet/${id}/`, target.cdn).href}`);
    for (const line of warningLines(answer.warnings)) io.err(line);
  },
};

/** Warnings shown at most; the rest are counted. */
const MAX_WARNINGS = 20;

/**
 * The CDN's warnings about a stored release (a file kept unminified: PODMAP_ERR_CDN_MINIFY_SKIPPED)
 * as `podmap: warning: <code>: <message>` lines: at most MAX_WARNINGS, each at most 500
 * characters, control characters replaced, so an answer cannot flood or drive the terminal.
 */
function warningLines(warnings: unknown): string[] {
  if (!Array.isArray(warnings)) return [];
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this replaces
  const control = /[\u0000-\u001f\u007f-\u009f]/g;
  const clean = (text: unknown) => String(text).replace(control, '?').slice(0, 500);
  const lines = warnings
    .slice(0, MAX_WARNINGS)
    .map((w: { code?: unknown; message?: unknown }) => `podmap: warning: ${clean(w?.code)}: ${clean(w?.message)}`);
  if (warnings.length > MAX_WARNINGS) lines.push(`podmap: warning: ${warnings.length - MAX_WARNINGS} more`);
  return lines;
}
