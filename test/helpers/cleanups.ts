/** What a helper needs of a test's context to clean up after itself: `t.after(fn)`. */
export interface AfterHook {
  after(fn: () => unknown): void;
}

/**
 * A stand-in for a test's context, for what outlives one test (a file's `before`, a bench's child
 * process): helpers that clean up through `t.after()` register here instead, and `run()` calls
 * the hooks, the last registered first (a server closes before the folder it serves is removed),
 * from the file's `after` or the process's shutdown.
 */
export function collectCleanups(): AfterHook & { run(): Promise<void> } {
  const hooks: Array<() => unknown> = [];
  return {
    after: (fn) => void hooks.push(fn),
    async run() {
      while (hooks.length > 0) await hooks.pop()!();
    },
  };
}
