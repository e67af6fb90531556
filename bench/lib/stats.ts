/** Median, minimum and maximum of a sample. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Summarises a non-empty sample; the median of an even count is the mean of the middle two. */
export function spreadOf(values: number[]): Spread {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length };
}

/** "median (min–max)" with `digits` decimals, `unit` after the median ("812 ms (640–990)"); '–' for an empty sample. */
export function spreadText(s: Spread, digits = 0, unit = ''): string {
  return s.n === 0 ? '–' : `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A markdown table from a header row and rows of cells. */
export function markdownTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The machine a benchmark ran on, for the results' header. */
export async function describeMachine(): Promise<{ cpus: number; cpuModel: string; memoryGiB: number; node: string }> {
  const os = await import('node:os');
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}
