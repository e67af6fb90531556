/** Thresholds of a podlet's circuit breaker; see createCircuitBreaker(). */
export interface CircuitBreakerOptions {
  /** Consecutive failed or timed-out content requests that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open after it opens, in ms (default 5,000). */
  coolDownMs?: number;
  /** Each failed probe doubles the cool-down, up to this, in ms (default 60,000). */
  maxCoolDownMs?: number;
}

/** What to do with one content request. */
export type CircuitDecision = 'request' | 'probe' | 'open';

/** One podlet's circuit breaker; see createCircuitBreaker(). */
export interface CircuitBreaker {
  readonly state: 'closed' | 'open' | 'half-open';
  /**
   * 'request' while closed; 'probe' for the one request that tests the podlet once the
   * cool-down is over; 'open' (serve the fallback, send nothing) otherwise.
   */
  admit(): CircuitDecision;
  /** The outcome of a request `admit()` let through, with the decision it got. */
  record(decision: CircuitDecision, ok: boolean): void;
}

/**
 * A circuit breaker for one podlet's content requests. After `failureThreshold` consecutive
 * failures it opens: requests get the fallback at once for `coolDownMs`, so a podlet that is down
 * costs pages nothing instead of the full time-out each. Then one request probes it (the others
 * keep getting the fallback until the probe answers): success closes the circuit, failure opens
 * it again for twice the cool-down, up to `maxCoolDownMs`. `onOpen` and `onClose` are called once
 * per change. Requests sent before it opened do not count once it is open: only the probe does.
 */
export function createCircuitBreaker(
  options: CircuitBreakerOptions & { onOpen?: (failures: number, coolDownMs: number) => void; onClose?: () => void } = {},
): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const baseCoolDownMs = options.coolDownMs ?? 5000;
  const maxCoolDownMs = Math.max(options.maxCoolDownMs ?? 60_000, baseCoolDownMs);
  let failures = 0;
  let coolDownMs = baseCoolDownMs;
  let openUntil = 0;
  let state: CircuitBreaker['state'] = 'closed';
  let probing = false;

  const open = () => {
    state = 'open';
    openUntil = Date.now() + coolDownMs;
    options.onOpen?.(failures, coolDownMs);
  };

  return {
    get state() {
      return state;
    },
    admit() {
      if (state === 'closed') return 'request';
      if (probing || Date.now() < openUntil) return 'open';
      probing = true;
      state = 'half-open';
      return 'probe';
    },
    record(decision, ok) {
      if (decision === 'probe') {
        probing = false;
        if (ok) {
          state = 'closed';
          failures = 0;
          coolDownMs = baseCoolDownMs;
          options.onClose?.();
        } else {
          failures++;
          coolDownMs = Math.min(coolDownMs * 2, maxCoolDownMs);
          open();
        }
        return;
      }
      if (decision !== 'request' || state !== 'closed') return;
      failures = ok ? 0 : failures + 1;
      if (failures >= threshold) open();
    },
  };
}
