/** The Chromium binary the tests and benchmarks launch (CHROMIUM_PATH overrides it). */
export declare const chromiumPath: string;
/** Flags every launch passes. */
export declare const chromiumArgs: string[];
