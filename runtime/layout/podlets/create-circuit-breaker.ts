/** Thresholds of a podlet's circuit breaker; see createCircuitBreaker(). */
export interface CircuitBreakerOptions {
  /** Consecutive failed or timed-out content requests that open the circuit; default: DEFAULT_CIRCUIT_BREAKER. */
  failureThreshold?: number;
  /** While the circuit is open, the podlet is probed in the background this often, one probe at a time, in ms; default: DEFAULT_CIRCUIT_BREAKER. */
  probeIntervalMs?: number;
}

/**
 * The thresholds a circuit breaker has unless told otherwise: five failures in a row is a podlet
 * that is down, not one that had a bad request; a probe every half second brings it back into
 * pages soon after it recovers, at two requests a second to a podlet that is down (docs/resilience.md).
 */
export const DEFAULT_CIRCUIT_BREAKER: Required<CircuitBreakerOptions> = { failureThreshold: 5, probeIntervalMs: 500 };

/** What to do with one content request: send it, or serve the fallback without a request. */
export type CircuitDecision = 'request' | 'open';

/** One podlet's circuit breaker; see createCircuitBreaker(). */
export interface CircuitBreaker {
  readonly state: 'closed' | 'open';
  /** 'request' while closed; 'open' (serve the fallback, send nothing) while open. */
  admit(): CircuitDecision;
  /** The outcome of a request `admit()` let through. */
  record(ok: boolean): void;
  /** Stops the background probes for good (the layout is closing); an open circuit then stays open. */
  stop(): void;
}

/** What createCircuitBreaker() needs besides its thresholds. */
export interface CircuitBreakerHooks {
  /**
   * One background probe of the podlet: resolves true if it answered as it should. It must end
   * on its own (a time-out); a rejection counts as a failure.
   */
  probe: () => Promise<boolean>;
  onOpen?: (failures: number, probeIntervalMs: number) => void;
  onClose?: () => void;
}

/**
 * A circuit breaker for one podlet's content requests. After `failureThreshold` consecutive
 * failures it opens: requests get the fallback at once, so a podlet that is down costs pages
 * nothing instead of the full time-out each, and no request on a page's path reaches it. While it
 * is open, `probe` runs in the background every `probeIntervalMs` after the last probe ended (so
 * one at a time, however slow); the first probe that succeeds closes the circuit, and the next
 * page asks the podlet again. The interval never grows: a podlet that comes back after a long
 * outage is back in pages as soon as after a short one. `onOpen` and `onClose` are called once per
 * change. Requests sent before it opened do not count once it is open: only a probe closes it.
 * Timers are unref'd, so an open circuit never keeps a process alive; `stop()` ends them.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions & CircuitBreakerHooks): CircuitBreaker {
  const threshold = options.failureThreshold ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold;
  const intervalMs = options.probeIntervalMs ?? DEFAULT_CIRCUIT_BREAKER.probeIntervalMs;
  let failures = 0;
  let state: CircuitBreaker['state'] = 'closed';
  const probes = createProbeLoop(
    intervalMs,
    options.probe,
    () => state === 'open',
    () => {
      state = 'closed';
      failures = 0;
      options.onClose?.();
    },
  );
  return {
    get state() {
      return state;
    },
    admit() {
      return state === 'closed' ? 'request' : 'open';
    },
    record(ok) {
      if (state !== 'closed') return;
      failures = ok ? 0 : failures + 1;
      if (failures < threshold) return;
      state = 'open';
      options.onOpen?.(failures, intervalMs);
      probes.start();
    },
    stop: () => probes.stop(),
  };
}

/**
 * Runs `probe` `intervalMs` after `start()`, and again `intervalMs` after each probe that failed
 * (a rejection is a failure), until one succeeds while `wanted()` holds (then `onSuccess`), or
 * `stop()`. One probe at a time, however slow; timers are unref'd.
 */
function createProbeLoop(
  intervalMs: number,
  probe: () => Promise<boolean>,
  wanted: () => boolean,
  onSuccess: () => void,
): { start(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const start = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      probe()
        .catch(() => false)
        .then((ok) => {
          if (stopped || !wanted()) return;
          if (!ok) return start();
          onSuccess();
        });
    }, intervalMs);
    timer.unref?.();
  };
  return {
    start,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
