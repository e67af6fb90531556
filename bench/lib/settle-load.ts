import type { Page } from 'puppeteer-core';
import type { NetworkEntry } from './network-entries.ts';

/** Collects a tab's console errors, page errors and failed requests; the caller empties it as each load starts. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
  return problems;
}

/**
 * One measured navigation: runs `navigate` and waits (20 s) until the page's probe has set
 * `window[flag]`. A navigation that fails names what was still in flight (the request the page was
 * waiting for); one that shows the browser's error page (offline, nothing to answer it) or never
 * renders says so, with the page's problems. The caller then reads the probe and waits for the
 * stragglers (waitForQuietNetwork).
 */
export async function settleLoad(
  page: Page,
  load: { navigate: () => Promise<unknown>; url: string; flag: string; entries: () => NetworkEntry[]; problems: string[] },
): Promise<void> {
  try {
    await load.navigate();
  } catch (error) {
    const pending = load
      .entries()
      .filter((e) => !e.done)
      .map((e) => e.url);
    throw new Error(`${(error as Error).message}; still loading: ${pending.join(', ') || 'nothing'}`, { cause: error });
  }
  if ((await page.evaluate(() => location.href).catch(() => '')).startsWith('chrome-error:'))
    throw new Error(`${load.url} did not load: the browser showed its error page`);
  try {
    await page.waitForFunction(
      (flag: string) => (window as unknown as Record<string, unknown>)[flag] !== undefined,
      { timeout: 20_000, polling: 50 },
      load.flag,
    );
  } catch (error) {
    const problems = load.problems.join('; ') || 'no errors in the page';
    throw new Error(`${load.url} did not render: ${(error as Error).message}; ${problems}`, { cause: error });
  }
}

/** Waits until every entry has been done for 100 ms (stragglers after render), at most 5 s. */
export async function waitForQuietNetwork(entries: () => NetworkEntry[]): Promise<void> {
  for (let quiet = 0, waited = 0; quiet < 100 && waited < 5000; waited += 25) {
    await new Promise((r) => setTimeout(r, 25));
    quiet = entries().every((e) => e.done) ? quiet + 25 : 0;
  }
}
