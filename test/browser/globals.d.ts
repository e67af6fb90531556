// The globals that @web/test-runner-mocha and the test page provide; for type-checking only.
declare function describe(name: string, fn: () => void): void;
declare function it(name: string, fn: () => void | Promise<void>): void;
declare function afterEach(fn: () => void | Promise<void>): void;

interface Window {
  /** Written by web-test-runner.config.js: which group this page belongs to. */
  __podmapTestMode?: 'native' | 'shim';
}

/** es-module-shims' loader, present in shim mode only. */
declare const importShim: ((specifier: string) => Promise<unknown>) & {
  getImportMap(): { imports: Record<string, string> };
};
