import { createLruCache } from '../../shared/create-lru-cache.ts';

/**
 * How often one refusal (the same podlet, code and detail) is logged at most, in ms: once a minute. A refusal
 * is re-derived at every page build, and a podlet that changes its manifest every second causes a
 * build every second; without this, each one logged the same refusals again, so a log's length
 * grew with the time a misbehaving podlet stayed registered.
 */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** The most keys a limiter remembers; past it, the least recently seen key may repeat early. */
const MAX_KEYS = 1_000;

/**
 * Returns `allow(key)`, true the first time a key is seen and then at most once per `intervalMs`
 * for that key (Date.now(), so tests can mock the clock). Bounded to MAX_KEYS keys, so a podlet
 * that invents new names cannot grow it.
 */
export function createRepeatLimiter(intervalMs: number): (key: string) => boolean {
  const last = createLruCache<string, number>(MAX_KEYS);
  return (key) => {
    const now = Date.now();
    const previous = last.get(key);
    if (previous !== undefined && now - previous < intervalMs) return false;
    last.set(key, now);
    return true;
  };
}
