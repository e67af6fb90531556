import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, chromiumPath } from './chromium-flags.js';
import { firefoxPath, requireBinary, startWebKitDriver, webkitCapabilities, webkitTimeouts } from './engines.js';

/**
 * The bound on any one call to a browser, in ms: a call that hangs fails in seconds, naming the
 * call, instead of waiting for a client library's default (puppeteer's 180 s, undici's 300 s).
 * It is above the drivers' own page-load bound, so a slow load reports as the driver's time-out.
 */
const callTimeoutMs = webkitTimeouts.pageLoad + 10_000;

/** The engines the end-to-end tests run in. */
export const engineNames = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof engineNames)[number];

/**
 * One tab, the same way in every engine: a script is a function's source, run with JSON
 * arguments, because WebDriver classic (WebKit) can only send source text.
 */
export interface EngineTab {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs `fn` in the page and returns its (JSON) result. */
  evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** Polls `fn` in the page until it returns true, or throws after `timeoutMs`. */
  waitFor<A extends unknown[]>(fn: (...args: A) => boolean | Promise<boolean>, timeoutMs: number, ...args: A): Promise<void>;
  /** Errors the engine reported to its console, where the driver can see them (not WebKit's: see consoleSeen). */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

/** A browser of one engine; each `open()` is a new, empty profile (cold caches, no workers). */
export interface Engine {
  name: EngineName;
  /** Whether `consoleErrors` sees the console: puppeteer does (CDP, BiDi), WebDriver classic does not. */
  consoleSeen: boolean;
  open(): Promise<{ tab(): Promise<EngineTab>; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** Launches one engine from Debian's packages. */
export async function launchEngine(name: EngineName): Promise<Engine> {
  if (name === 'webkit') return launchWebKit();
  if (name === 'firefox') requireBinary(firefoxPath, 'firefox-esr');
  const userDataDir = await mkdtemp(path.join(tmpdir(), `podmap-${name}-`));
  const browser: Browser = await puppeteer.launch(
    name === 'firefox'
      ? { browser: 'firefox', executablePath: firefoxPath, headless: true, userDataDir, protocolTimeout: callTimeoutMs }
      : { executablePath: chromiumPath, headless: true, args: chromiumArgs, userDataDir, protocolTimeout: callTimeoutMs },
  );
  return {
    name,
    consoleSeen: true,
    async open() {
      const context = await browser.createBrowserContext();
      return {
        tab: async () => puppeteerTab(await context.newPage()),
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
    },
  };
}

function puppeteerTab(page: Page): EngineTab {
  const consoleErrors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  page.on('pageerror', (e) => void consoleErrors.push(String(e)));
  return {
    consoleErrors,
    goto: async (url) => void (await page.goto(url, { waitUntil: 'load', timeout: webkitTimeouts.pageLoad })),
    reload: async () => void (await page.reload({ waitUntil: 'load', timeout: webkitTimeouts.pageLoad })),
    evaluate: (fn, ...args) => page.evaluate(fn as never, ...(args as unknown as never[])) as never,
    waitFor: async (fn, timeoutMs, ...args) =>
      void (await page.waitForFunction(fn as never, { timeout: timeoutMs, polling: 50 }, ...(args as unknown as never[]))),
    close: () => page.close(),
  };
}

/** One WebDriver call to `driver`, bounded by callTimeoutMs; a failure names the call and ends with the driver's log. */
function webDriverCall(driver: Awaited<ReturnType<typeof startWebKitDriver>>) {
  return async (method: string, route: string, body?: unknown) => {
    const failed = (why: string) =>
      new Error(`WebKit: WebDriver ${method} ${route} ${why}\nThe end of the driver's log (${driver.logFile}):\n${driver.logTail()}`);
    let json: { value: { error?: string; message?: string } & Record<string, unknown> };
    let ok: boolean;
    try {
      const response = await fetch(`${driver.url}${route}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(callTimeoutMs),
      });
      ok = response.ok;
      json = (await response.json()) as typeof json;
    } catch (error) {
      throw failed(
        (error as Error).name === 'TimeoutError' ? `did not answer within ${callTimeoutMs / 1000} s` : `failed: ${String(error)}`,
      );
    }
    if (!ok) throw failed(`answered ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
}

/** WebKitGTK through WebKitWebDriver: one WebDriver session per profile, one window per tab. */
async function launchWebKit(): Promise<Engine> {
  const driver = await startWebKitDriver();
  const call = webDriverCall(driver);
  return {
    name: 'webkit',
    consoleSeen: false,
    async open() {
      const { sessionId } = (await call('POST', '/session', { capabilities: { alwaysMatch: webkitCapabilities } })) as unknown as {
        sessionId: string;
      };
      const session = `/session/${sessionId}`;
      let first = true;
      return {
        async tab() {
          // The session starts with one window; later tabs are new windows of the same profile.
          const handle = first
            ? ((await call('GET', `${session}/window`)) as unknown as string)
            : ((await call('POST', `${session}/window/new`, { type: 'tab' })) as unknown as { handle: string }).handle;
          first = false;
          const on = async () => void (await call('POST', `${session}/window`, { handle }));
          const run = async <T>(fn: unknown, args: unknown[]) => {
            await on();
            const script = `return Promise.resolve((${String(fn)}).apply(null, arguments));`;
            return (await call('POST', `${session}/execute/sync`, { script, args })) as unknown as T;
          };
          return {
            consoleErrors: [],
            goto: async (url) => void (await on(), await call('POST', `${session}/url`, { url })),
            reload: async () => void (await on(), await call('POST', `${session}/refresh`, {})),
            evaluate: (fn, ...args) => run(fn, args),
            async waitFor(fn, timeoutMs, ...args) {
              const until = Date.now() + timeoutMs;
              while (!(await run<boolean>(fn, args))) {
                if (Date.now() > until) throw new Error(`WebKit: waiting for ${String(fn).slice(0, 120)} timed out after ${timeoutMs} ms`);
                await sleep(50);
              }
            },
            close: async () => void (await on(), await call('DELETE', `${session}/window`)),
          };
        },
        close: async () => void (await call('DELETE', session).catch(() => {})),
      };
    },
    close: async () => driver.stop(),
  };
}
