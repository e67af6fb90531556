// Debian's Chromium and the flags it needs on these machines, in plain JavaScript so that the
// @web/test-runner config, the puppeteer tests and the benchmarks share one list.

/** The binary itself: the /usr/bin/chromium wrapper can misbehave (docs/design.md, "Toolchain notes"). */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium';

/** Root needs no sandbox; the rest keeps Chromium from calling Google's hosts, which are unreachable here. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
