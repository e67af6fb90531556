/**
 * How the generated benchmark figures are written (bench/lib/readme-figures.ts, doc-figures.ts):
 * the units, the rounding and the Markdown shapes, so every section reads alike.
 */
import type { PageResults, PageRow } from './read-bench-results.ts';
import type { Spread } from './stats.ts';

export const day = (iso: string) => iso.slice(0, 10);
export const ms = (value: number) => `${Math.round(value)} ms`;
export const times = (value: number) => `${value.toFixed(2)}×`;
export const kb = (bytes: number) => (bytes / 1024).toFixed(1);
export const range = (spread: Spread) => `${Math.round(spread.min)}–${Math.round(spread.max)}`;
export const listOf = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
export const table = (header: string[], rows: string[][]) =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** One row of bench:page's summary; throws when the results lack it, so a renamed variant is noticed. */
export function pageRow(page: PageResults, scenario: string, latencyMs: number, variant: string): PageRow {
  const row = page.summary.find((r) => r.scenario === scenario && r.latencyMs === latencyMs && r.variant === variant);
  if (!row) throw new Error(`bench/results/page.json has no ${scenario} row for ${variant} at ${latencyMs} ms`);
  return row;
}

/** Paragraphs and list items wrapped at 100 columns, as the README's prose is; tables are left alone. */
export function wrapProse(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('|') || line.length <= 100) return line;
      const indent = line.startsWith('- ') ? '  ' : '';
      const lines: string[] = [];
      let current = '';
      // A number and its unit stay on one line: the space between them is a NUL until the end.
      for (const word of line.replace(/(\d) (?=(?:ms|s|KB|MB|min|Mbit\/s)\b)/g, '$1\0').split(' ')) {
        if (current && current.length + 1 + word.length > 100) {
          lines.push(current);
          current = indent + word;
        } else current = current ? `${current} ${word}` : word;
      }
      return [...lines, current].join('\n').replaceAll('\0', ' ');
    })
    .join('\n');
}
