/** Firefox ESR (FIREFOX_PATH overrides it). */
export declare const firefoxPath: string;
/** WebKitGTK's MiniBrowser (WEBKIT_PATH overrides it). */
export declare const webkitBrowserPath: string;
/** WebKitWebDriver (WEBKIT_DRIVER_PATH overrides it). */
export declare const webkitDriverPath: string;
/** WebDriver's page-load and script bounds for MiniBrowser sessions, in ms. */
export declare const webkitTimeouts: { pageLoad: number; script: number; implicit: number };
/** The WebDriver capabilities of a MiniBrowser session. */
export declare const webkitCapabilities: {
  browserName: string;
  'webkitgtk:browserOptions': { binary: string; args: string[] };
  timeouts: typeof webkitTimeouts;
};
/** Throws, saying what to install, unless `path` exists. */
export declare function requireBinary(path: string, pkg: string): void;
/** Starts WebKitWebDriver under xvfb-run on a free port; its output (and MiniBrowser's) goes to `logFile`. */
export declare function startWebKitDriver(): Promise<{
  url: string;
  port: number;
  stop(): void;
  logFile: string;
  logTail(chars?: number): string;
}>;
