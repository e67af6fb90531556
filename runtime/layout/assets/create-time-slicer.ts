/**
 * Call it in a long loop and await what it returns: see createTimeSlicer(). `pause()` pauses now
 * and starts a new slice, for a step that takes a few ms in one piece.
 */
export type TimeSlicer = (() => Promise<void> | undefined) & { pause(): Promise<void> };

/**
 * Keeps long work off the request path: the returned function answers undefined until `sliceMs`
 * have passed since the last pause, then a promise that resolves on the next turn of the event
 * loop (setImmediate), after pending I/O callbacks, so page requests are served in between. A
 * page of 100 podlets took one block of 350–620 ms to compose before its loops paused like this
 * (bench/rebuild.ts measures it).
 */
export function createTimeSlicer(sliceMs = 4): TimeSlicer {
  let start = performance.now();
  const pause = () =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        start = performance.now();
        resolve();
      }),
    );
  return Object.assign(() => (performance.now() - start < sliceMs ? undefined : pause()), { pause });
}

/**
 * Runs a pure computation written as a generator (it yields between pieces of work) to its end,
 * pausing for the event loop whenever `slice` says the time is up. Returns what it returns.
 */
export async function runSliced<T>(steps: Generator<unknown, T, undefined>, slice: TimeSlicer = createTimeSlicer()): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const pause = slice();
    if (pause) await pause;
  }
}
