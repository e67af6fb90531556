/** Firefox ESR (FIREFOX_PATH overrides it). */
export declare const firefoxPath: string;
/** WebKitGTK's MiniBrowser (WEBKIT_PATH overrides it). */
export declare const webkitBrowserPath: string;
/** WebKitWebDriver (WEBKIT_DRIVER_PATH overrides it). */
export declare const webkitDriverPath: string;
/** The WebDriver capabilities of a MiniBrowser session. */
export declare const webkitCapabilities: { browserName: string; 'webkitgtk:browserOptions': { binary: string; args: string[] } };
/** Throws, saying what to install, unless `path` exists. */
export declare function requireBinary(path: string, pkg: string): void;
/** Starts WebKitWebDriver under xvfb-run on a free port. */
export declare function startWebKitDriver(): Promise<{ url: string; port: number; stop(): void }>;
