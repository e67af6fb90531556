import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import type { ModuleResponse } from './record-page-load.ts';

/** One package's share of a page's modules: podmap's responses against what the bundle keeps of it. */
export interface PackageShare {
  /** "lit-html 3", "@podmap/browser 0", "podlet modules". */
  group: string;
  responses: number;
  /** podmap: encodedDataLength, body as sent, headers (the difference), body decoded. */
  bytes: number;
  bodyBytes: number;
  headerBytes: number;
  decodedBytes: number;
  /** The bundle: esbuild's bytesInOutput over the package's files (minified, before compression). */
  bundleKept: number;
  /** The bundle's compressed body shared out over its packages in proportion to bundleKept: an estimate. */
  bundleShare: number;
}

/** A variant pair's cold-home modules, package by package (U+P against B, U+P SSR against B SSR). */
export interface ModuleBreakdown {
  variant: string;
  against: string;
  shares: PackageShare[];
  modules: Array<ModuleResponse & { group: string }>;
  /** The bundle's own response: encodedDataLength, body as sent, and its size before compression. */
  bundle: { bytes: number; bodyBytes: number; decodedBytes: number };
  /** Brotli (quality 11) of podmap's decoded modules: each alone (what the CDN stores) and all in one stream. */
  brotliEach: number;
  brotliTogether: number;
  /** …and each package's files in one stream of its own (what splitting a package into files costs, against `brotliEach`). */
  brotliByPackage: number;
}

const packageJsonCache = new Map<string, { name: string; version: string } | null>();

/** The nearest package.json above `file` (a path relative to `root`): its name and version. */
function owningPackage(root: string, file: string): { name: string; version: string } | null {
  for (let dir = dirname(join(root, file)); dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    if (packageJsonCache.has(dir)) return packageJsonCache.get(dir)!;
    const path = join(dir, 'package.json');
    if (!existsSync(path)) continue;
    const { name, version } = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
    // Packages whose package.json only sets "type" for a subfolder have no name: keep climbing.
    if (!name || !version) continue;
    packageJsonCache.set(dir, { name, version });
    return { name, version };
  }
  return null;
}

const groupName = (name: string, version: string) => `${name} ${version.split('.')[0]}`;

/** A module URL's group: a CDN package version by name and major, a podlet release, or the layout's own. */
export function groupOfUrl(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  const npm = /^\/npm\/((?:@[^/]+\/)?[^/@]+)@([^/]+)\//.exec(path);
  if (npm) return groupName(npm[1]!, npm[2]!);
  if (path.startsWith('/podlet/')) return 'podlet modules';
  return 'layout';
}

/** A bundle input's group (esbuild's metafile path, relative to `root`): the podlets' own modules, or the package the file belongs to. */
export function groupOfInput(root: string, input: string): string {
  if (/^podlets\/[^/]+\/public\//.test(input)) return 'podlet modules';
  const owner = owningPackage(root, input);
  return owner ? groupName(owner.name, owner.version) : input;
}

const brotli = (data: Buffer) => brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/**
 * The breakdown of one podmap variant's cold-home modules against its bundle. `bodies` are the
 * modules' decoded bodies by URL (fetched again after the run), for the one-stream comparison.
 */
export function breakDown(
  root: string,
  pair: { variant: string; against: string },
  modules: ModuleResponse[],
  bundle: { response: ModuleResponse; inputs: Record<string, number> },
  bodies: Map<string, Buffer>,
): ModuleBreakdown {
  const shares = new Map<string, PackageShare>();
  const shareOf = (group: string) => {
    if (!shares.has(group))
      shares.set(group, { group, responses: 0, bytes: 0, bodyBytes: 0, headerBytes: 0, decodedBytes: 0, bundleKept: 0, bundleShare: 0 });
    return shares.get(group)!;
  };
  const grouped = modules.map((m) => ({ ...m, group: groupOfUrl(m.url) }));
  for (const m of grouped) {
    const share = shareOf(m.group);
    share.responses++;
    share.bytes += m.bytes;
    share.bodyBytes += m.bodyBytes;
    share.headerBytes += m.bytes - m.bodyBytes;
    share.decodedBytes += m.decodedBytes;
  }
  const kept = Object.entries(bundle.inputs).filter(([, bytes]) => bytes > 0);
  const keptTotal = kept.reduce((sum, [, bytes]) => sum + bytes, 0);
  for (const [input, bytes] of kept) {
    const share = shareOf(groupOfInput(root, input));
    share.bundleKept += bytes;
    share.bundleShare += (bundle.response.bodyBytes * bytes) / keptTotal;
  }
  const decoded = grouped.map((m) => bodies.get(m.url) ?? Buffer.alloc(0));
  const groups = [...new Set(grouped.map((m) => m.group))];
  const byPackage = groups.map((g) => brotli(Buffer.concat(decoded.filter((_, i) => grouped[i]!.group === g))));
  return {
    ...pair,
    shares: [...shares.values()].sort((a, b) => b.bytes - a.bytes || b.bundleKept - a.bundleKept),
    modules: grouped,
    bundle: { bytes: bundle.response.bytes, bodyBytes: bundle.response.bodyBytes, decodedBytes: bundle.response.decodedBytes },
    brotliEach: decoded.reduce((sum, body) => sum + brotli(body), 0),
    brotliTogether: brotli(Buffer.concat(decoded)),
    brotliByPackage: byPackage.reduce((sum, bytes) => sum + bytes, 0),
  };
}

/** Each module's decoded body, fetched again from this process (the servers' certificate is accepted here). */
export async function fetchBodies(urls: Iterable<string>): Promise<Map<string, Buffer>> {
  const bodies = new Map<string, Buffer>();
  for (const url of new Set(urls)) {
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    if (!response.ok) throw new Error(`bench: ${url} answered ${response.status} when fetched again`);
    bodies.set(url, Buffer.from(await response.arrayBuffer()));
  }
  return bodies;
}
