import type { ModuleBreakdown } from './page-modules.ts';
import { markdownTable } from './stats.ts';

/** What the CDN answered the layouts' shaken-builds request with, by package version, as the run measured. */
export type ShakenStates = Record<string, { status: string; reason?: string; code?: string }>;

const kb = (bytes: number) => (bytes / 1024).toFixed(2);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const shortUrl = (url: string) => new URL(url).pathname.replace(/~shaken\/([0-9a-f]{8})[0-9a-f]+\//, '~shaken/$1…/');

/** page-modules.md: how the run was made, the CDN's shaken-build states, then each pair's breakdown. */
export function renderModulesMarkdown(
  breakdowns: ModuleBreakdown[],
  meta: { date: string; latencyMs: number; states: ShakenStates; totals: Record<string, string> },
): string {
  const out = [
    '# bench:page — the cold home page’s modules, package by package',
    '',
    `${meta.date} · written by \`npm run bench:page\` with page.md, from the first cold load of home at ${meta.latencyMs} ms in Chromium ` +
      '(the bytes are the same in every repetition: module KB over all of them, median (min–max), is below). ' +
      'Per module response: CDP’s encodedDataLength (“bytes”), its body as sent (Content-Length, brotli unless the CDN keeps a small file ' +
      'uncompressed), headers = bytes − body (HTTP/2 frames and HPACK-coded headers as Chromium counts them), and the body decoded. ' +
      'For the bundle: esbuild’s metafile, per package the bytes its files keep in the minified bundle (bytesInOutput, before compression), ' +
      'and the bundle’s brotli body shared out over its packages in proportion to them (an estimate: brotli does not compress each part alike). ' +
      'Packages are grouped by name and major (geo runs lit 2, every other podlet lit 3). ' +
      '“Brotli each / together”: the page’s decoded modules compressed at quality 11 one file at a time (as the CDN stores them) and as one stream: ' +
      'what compressing them apart costs.',
    '',
    '## What the CDN gave the layouts (shaken builds)',
    '',
    'The bench waits until the CDN has no shaken build left to make and the layouts have composed their pages from its last answer ' +
      '(bench/lib/page-shaken.ts) before it measures, so U+P and U+P SSR load what podmap ships: podlet releases minified at publish ' +
      '(docs/cdn.md) and, where the CDN could shake a package, its shaken build (docs/shaken-builds.md). The answer, per package version:',
    '',
    markdownTable(
      ['package version', 'state', 'why'],
      Object.entries(meta.states).map(([key, s]) => [key, s.status, s.reason ?? s.code ?? '']),
    ),
    '',
    markdownTable(
      ['variant', 'module KB, every repetition'],
      Object.entries(meta.totals).map(([variant, text]) => [variant, text]),
    ),
    '',
  ];
  for (const b of breakdowns) out.push(...pairSection(b));
  return out.join('\n');
}

function pairSection(b: ModuleBreakdown): string[] {
  const total = (pick: (s: ModuleBreakdown['shares'][number]) => number) => b.shares.reduce((sum, s) => sum + pick(s), 0);
  const bytes = total((s) => s.bytes);
  const header = `${b.variant} KB`;
  const rows = b.shares.map((s) => [
    s.group,
    String(s.responses),
    kb(s.bytes),
    kb(s.bodyBytes),
    kb(s.headerBytes),
    kb(s.decodedBytes),
    kb(s.bundleKept),
    kb(s.bundleShare),
    kb(s.bytes - s.bundleShare),
  ]);
  const bundleHeaders = b.bundle.bytes - b.bundle.bodyBytes;
  rows.push(['bundle response headers', '', '', '', '', '', '', kb(bundleHeaders), kb(-bundleHeaders)]);
  rows.push([
    '**total**',
    String(b.modules.length),
    kb(bytes),
    kb(total((s) => s.bodyBytes)),
    kb(total((s) => s.headerBytes)),
    kb(total((s) => s.decodedBytes)),
    kb(total((s) => s.bundleKept)),
    kb(b.bundle.bytes),
    kb(bytes - b.bundle.bytes),
  ]);
  return [
    `## ${b.variant} against ${b.against}: ${kb(bytes)} KB against ${kb(b.bundle.bytes)} KB of modules, ${ratio(bytes, b.bundle.bytes)}`,
    '',
    markdownTable(
      [
        'package',
        `${b.variant} responses`,
        header,
        `${b.variant} body KB`,
        `${b.variant} headers KB`,
        `${b.variant} decoded KB`,
        `${b.against} kept KB (minified)`,
        `${b.against} KB (pro rata)`,
        'difference KB',
      ],
      rows,
    ),
    '',
    `${b.variant}’s decoded modules, brotli each: ${kb(b.brotliEach)} KB; each package’s files in one stream: ${kb(b.brotliByPackage)} KB; ` +
      `all in one stream: ${kb(b.brotliTogether)} KB (${b.against}’s bundle: ${kb(b.bundle.bodyBytes)} KB of brotli from ${kb(b.bundle.decodedBytes)} KB).`,
    '',
    ...responsesTable(b),
  ];
}

/** Every module response of a podmap variant, folded away. */
function responsesTable(b: ModuleBreakdown): string[] {
  const rows = b.modules.map((m) => [
    shortUrl(m.url),
    m.group,
    String(m.bytes),
    String(m.bodyBytes),
    String(m.bytes - m.bodyBytes),
    String(m.decodedBytes),
    m.encoding || 'none',
  ]);
  const header = ['URL path', 'package', 'bytes', 'body', 'headers', 'decoded', 'encoding'];
  return [`<details><summary>${b.variant}: every module response</summary>`, '', markdownTable(header, rows), '', '</details>', ''];
}
