/** See createRefetchLimiter(). */
export interface RefetchLimiter {
  /** A content response named another version than the cached manifest. */
  versionSeen(): void;
}

/**
 * Limits one podlet's manifest refetches to one per `intervalMs`. A podlet whose
 * `podlet-version` changes on every response (a bug, or a version stamped per request) would
 * otherwise have its manifest fetched after every content response, and every page's assets
 * rebuilt as often. The first change after a quiet window is fetched at once; changes seen during
 * the wait make ONE refetch when the window opens, never one per response, and `onLimited` is
 * called once per burst. At most one refetch runs at a time.
 */
export function createRefetchLimiter(options: {
  intervalMs: number;
  refetch: () => Promise<unknown>;
  onLimited: () => void;
}): RefetchLimiter {
  let last = -Infinity;
  let running: Promise<unknown> | null = null;
  let scheduled = false;
  let burstLogged = false;

  const run = () => {
    last = Date.now();
    const current = options.refetch().finally(() => {
      if (running === current) running = null;
    });
    running = current;
  };

  return {
    versionSeen() {
      if (scheduled) return; // one refetch is already promised for the next window
      const wait = last + options.intervalMs - Date.now();
      if (wait <= 0 && !running) {
        burstLogged = false;
        run();
        return;
      }
      if (!burstLogged) {
        burstLogged = true;
        options.onLimited();
      }
      scheduled = true;
      // unref: a pending refetch must not keep a layout's process alive after it closed its server.
      setTimeout(
        () => {
          void Promise.resolve(running)
            .catch(() => {})
            .then(() => {
              scheduled = false;
              run();
            });
        },
        Math.max(wait, 0),
      ).unref();
    },
  };
}
