import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

import { chromiumArgs, chromiumPath } from './chromium-flags.js';

export { chromiumArgs, chromiumPath };

/** Launches headless Chromium with a fresh profile that is removed on close. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`podmap: no Chromium at ${chromiumPath}; install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'podmap-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
    userDataDir,
  });
  // Chromium may still be writing its profile as it exits; retry, and never fail a test over it.
  browser.once(
    'disconnected',
    () => void rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {}),
  );
  return browser;
}
