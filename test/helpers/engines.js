// The three browser engines the tests run in, all from Debian, in plain JavaScript so that the
// @web/test-runner config, the end-to-end tests and the benchmarks share one list. Nothing here
// downloads a browser or a driver.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

/** Firefox ESR, driven by puppeteer-core over WebDriver BiDi. */
export const firefoxPath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/** WebKitGTK's MiniBrowser, driven through WebKitWebDriver (WebDriver classic) under Xvfb. */
export const webkitBrowserPath = process.env.WEBKIT_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';

/**
 * The bound on a page load and on a script, in ms. WebDriver's defaults are 300 s and 30 s: a load
 * that never finishes would hold a test for five minutes before anything says why.
 */
export const webkitTimeouts = { pageLoad: 20_000, script: 20_000, implicit: 0 };

/** The WebDriver capabilities of a MiniBrowser session. */
export const webkitCapabilities = {
  browserName: 'MiniBrowser',
  'webkitgtk:browserOptions': { binary: webkitBrowserPath, args: ['--automation'] },
  timeouts: webkitTimeouts,
};

/** Throws, saying what to install, unless `path` exists. */
export function requireBinary(path, pkg) {
  if (!existsSync(path)) throw new Error(`podmap: no ${path}; install it with "apt-get install -y ${pkg}" (.ci/run does)`);
}

/**
 * Starts WebKitWebDriver under `xvfb-run -a` on a free port and resolves once it answers
 * /status. `stop()` ends it with Xvfb (the whole process group); so does this process's exit.
 * What the driver and the MiniBrowsers it starts print goes to a log, whose end `logTail()`
 * returns for a failure's message: a crashed web process says so there and nowhere else.
 */
export async function startWebKitDriver() {
  requireBinary(webkitDriverPath, 'webkit2gtk-driver');
  requireBinary('/usr/bin/xvfb-run', 'xvfb');
  requireBinary(webkitBrowserPath, 'webkit2gtk-driver');
  const port = await freePort();
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'podmap-webkit-')), 'driver.log');
  const log = openSync(logFile, 'a');
  // -noreset: by default an X server resets when its last client leaves, which is every time a
  // session's MiniBrowser quits; the next session's MiniBrowser, started in that instant, failed
  // with "cannot open display" and WebKitWebDriver waited for it for ever (POST /session hung).
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24 -noreset', webkitDriverPath, `--port=${port}`], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const logTail = (chars = 2000) => {
    try {
      return readFileSync(logFile, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  };
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    try {
      if ((await globalThis.fetch(`${url}/status`, { signal: globalThis.AbortSignal.timeout(2000) })).ok) break;
    } catch {
      if (waited > 20_000) {
        stop();
        throw new Error(`podmap: WebKitWebDriver did not start within 20 s; its log ends:\n${logTail()}`);
      }
    }
    await sleep(100);
  }
  return { url, port, stop, logFile, logTail };
}
