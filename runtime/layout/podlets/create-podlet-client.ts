import { assertPodletName } from '../../shared/assert-podlet-name.ts';
import { PodmapError } from '../../shared/errors.ts';
import { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from './create-circuit-breaker.ts';
import { createRefetchLimiter } from './create-refetch-limiter.ts';
import { fetchPodletState } from './fetch-podlet-state.ts';
import type { PodletState } from './podlet-state.ts';
import { USER_HEADER } from './podlet-context.ts';
import { fetchPodletContent } from './fetch-podlet-content.ts';

/** How long each manifest, fallback and content request may take unless the layout says otherwise (`timeoutMs`), in ms. */
export const DEFAULT_PODLET_TIMEOUT_MS = 1000;

/** The least time between two manifest refetches that new releases trigger unless the layout says otherwise (`refetchIntervalMs`), in ms. */
export const DEFAULT_REFETCH_INTERVAL_MS = 1000;

/**
 * How long after a failed manifest fetch a podlet without a manifest is asked again at the
 * earliest, in ms: a podlet that is down costs a request every few seconds, not one per page.
 */
export const MANIFEST_RETRY_MS = 2000;

/** The layout's connection to one registered podlet; see createPodletClient(). */
export interface PodletClient {
  readonly name: string;
  readonly manifestUrl: string;
  /** The cached state, or null while no valid manifest has been seen. */
  readonly state: PodletState | null;
  /**
   * Fetches the manifest again (at most one fetch at a time, and while there is no state not more
   * often than every MANIFEST_RETRY_MS unless `force`). Resolves with the state, or null if there is none.
   */
  refresh(force?: boolean): Promise<PodletState | null>;
  /** Fetches the content with these request headers; on time-out, error or a non-2xx status, or while its circuit is open (no request), answers the cached fallback. */
  content(headers?: Record<string, string>): Promise<ContentResult>;
  /** Stops its background work (the circuit breaker's probes); the layout calls it when it closes. */
  close(): void;
}

export interface ContentResult {
  html: string;
  /** Set when the fallback was served instead of the content. */
  error?: PodmapError;
  /** The podlet's state for the page (readPageState), as JSON safe inside a script element. */
  pageState?: string;
}

/** Options of createPodletClient(); createPodletClients() passes all but name and URL through. */
export interface PodletClientOptions {
  /** Time-out of each manifest, fallback and content request, in ms; default DEFAULT_PODLET_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Called when a fetched manifest or podmap.json differs from the cached one (not on every refetch). */
  onChange?: () => void;
  log?: (error: PodmapError, podlet: string) => void;
  /** The circuit breaker's thresholds; defaults: DEFAULT_CIRCUIT_BREAKER. */
  circuitBreaker?: CircuitBreakerOptions;
  /** The least time between two manifest refetches that content responses' versions trigger, in ms; default DEFAULT_REFETCH_INTERVAL_MS. */
  refetchIntervalMs?: number;
}

/**
 * The layout's connection to one podlet: fetches and caches its manifest, podmap.json and
 * fallback, and fetches content with a time-out, behind a circuit breaker (createCircuitBreaker):
 * a podlet that keeps failing gets its fallback at once, without a request, while a background
 * probe asks for its content every `probeIntervalMs` (one at a time, with the same time-out), and
 * pages ask it again once a probe succeeds. When a content response names another version than
 * the cached manifest, the manifest is fetched again, at most once per `refetchIntervalMs`
 * (createRefetchLimiter), and `onChange` is called if what was fetched differs, so the next page
 * gets a map for the new release.
 */
export function createPodletClient(options: PodletClientOptions & { name: string; manifestUrl: string }): PodletClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PODLET_TIMEOUT_MS;
  const refetchIntervalMs = options.refetchIntervalMs ?? DEFAULT_REFETCH_INTERVAL_MS;
  const log = options.log ?? ((error, podlet) => console.warn(`podmap: podlet "${podlet}": ${error.code}: ${error.message}`));
  const say = (code: PodmapError['code'], detail: string) => log(new PodmapError(code, detail), options.name);
  const held: HeldState = { state: null, refreshing: null, lastAttempt: 0 };
  const probed = createProbedBreaker(options.circuitBreaker, timeoutMs, {
    name: options.name,
    state: () => held.state,
    versionSeen: () => refetches.versionSeen(),
    say,
  });
  const refetches = createRefetchLimiter({
    intervalMs: refetchIntervalMs,
    refetch: () => client.refresh(true),
    onLimited: () => say('PODMAP_ERR_REFETCH_LIMITED', `podlet-version changes faster than once per ${refetchIntervalMs} ms`),
  });

  const load = () =>
    fetchPodletState(options.manifestUrl, {
      timeoutMs,
      previousFallbackHtml: held.state?.fallbackHtml ?? '',
      log: (e) => log(e, options.name),
    });

  const client: PodletClient = {
    name: options.name,
    manifestUrl: options.manifestUrl,
    get state(): PodletState | null {
      return held.state;
    },
    refresh: (force = false) => refreshState(held, force, load, options.onChange, (error) => log(error, options.name)),
    async content(headers: Record<string, string> = {}): Promise<ContentResult> {
      const current = held.state;
      if (!current) return { html: '', error: new PodmapError('PODMAP_ERR_MANIFEST_UNREACHABLE', options.manifestUrl) };
      return contentThrough(probed, current, headers, timeoutMs, {
        name: options.name,
        versionSeen: () => refetches.versionSeen(),
        log: (error) => log(error, options.name),
      });
    },
    close: () => probed.breaker.stop(),
  };
  return client;
}

/** What a podlet client holds between calls: its state, the manifest fetch running, when the last one started. */
interface HeldState {
  state: PodletState | null;
  refreshing: Promise<PodletState | null> | null;
  lastAttempt: number;
}

/**
 * PodletClient.refresh: one `load()` at a time (a call while one runs gets its promise); while
 * there is no state, not again within MANIFEST_RETRY_MS of the last attempt unless `force`. A
 * failure is logged and keeps the old state; `onChange` is called only when the state really
 * changed, so a refetch that finds the same release drops no page's assets.
 */
function refreshState(
  held: HeldState,
  force: boolean,
  load: () => Promise<PodletState>,
  onChange: (() => void) | undefined,
  log: (error: PodmapError) => void,
): Promise<PodletState | null> {
  if (held.refreshing) return held.refreshing;
  if (!force && held.state === null && Date.now() - held.lastAttempt < MANIFEST_RETRY_MS) return Promise.resolve(null);
  held.lastAttempt = Date.now();
  held.refreshing = load()
    .then((next) => {
      const changed = held.state === null || fingerprint(held.state) !== fingerprint(next);
      held.state = next;
      if (changed) onChange?.();
      return held.state;
    })
    .catch((error: PodmapError) => {
      log(error);
      return held.state;
    })
    .finally(() => {
      held.refreshing = null;
    });
  return held.refreshing;
}

/** A podlet client's circuit breaker, and where it learns the headers its probes send. */
interface ProbedBreaker {
  breaker: CircuitBreaker;
  sawHeaders(headers: Record<string, string>): void;
}

/**
 * A content circuit breaker whose background probe is one content request, with the client's
 * time-out, with the headers of the last page's request less the signed-in user (no page is
 * asking on anyone's behalf); a probe answered by another release gets the manifest refetched.
 */
function createProbedBreaker(
  thresholds: CircuitBreakerOptions | undefined,
  timeoutMs: number,
  on: { name: string; state: () => PodletState | null; versionSeen: () => void; say: (code: PodmapError['code'], detail: string) => void },
): ProbedBreaker {
  // Kept as given (no copy per page); the user is left out when a probe is sent.
  let lastHeaders: Record<string, string> = {};
  const breaker = createCircuitBreaker({
    ...thresholds,
    probe: async () => {
      const current = on.state();
      if (!current) return false;
      const headers = Object.fromEntries(Object.entries(lastHeaders).filter(([name]) => name.toLowerCase() !== USER_HEADER));
      const result = await fetchPodletContent(current, headers, timeoutMs, on.name);
      if (result.version && result.version !== current.version) on.versionSeen();
      return !result.error;
    },
    onOpen: (failures, ms) =>
      on.say('PODMAP_ERR_CIRCUIT_OPEN', `${failures} failures in a row; fallback, and a probe in the background every ${ms} ms`),
    onClose: () => on.say('PODMAP_ERR_CIRCUIT_CLOSED', 'a background probe succeeded'),
  });
  return {
    breaker,
    sawHeaders(headers) {
      lastHeaders = headers;
    },
  };
}

/** What of a state shapes a page's assets (all but the fallback's HTML), as one comparable string. */
function fingerprint(state: PodletState): string {
  return JSON.stringify({ ...state, fallbackHtml: undefined });
}

/** One content() call through the circuit breaker: short-circuited to the fallback while it is open. */
async function contentThrough(
  { breaker, sawHeaders }: ProbedBreaker,
  current: PodletState,
  headers: Record<string, string>,
  timeoutMs: number,
  on: { name: string; versionSeen: () => void; log: (error: PodmapError) => void },
): Promise<ContentResult> {
  sawHeaders(headers);
  if (breaker.admit() === 'open') {
    // Not logged per request: the opening was, once.
    return { html: current.fallbackHtml, error: new PodmapError('PODMAP_ERR_CIRCUIT_OPEN', current.contentUrl) };
  }
  const result = await fetchPodletContent(current, headers, timeoutMs, on.name);
  breaker.record(!result.error);
  // A response from another release than the cached manifest: learn the new one for the next page.
  if (result.version && result.version !== current.version) on.versionSeen();
  if (result.error) on.log(result.error);
  if (result.pageState instanceof PodmapError) on.log(result.pageState);
  const pageState = typeof result.pageState === 'string' && !result.error ? result.pageState : undefined;
  return pageState === undefined ? { html: result.html, error: result.error } : { html: result.html, error: result.error, pageState };
}

/**
 * One client per registered podlet (name → manifest URL), for a layout or createPodmapHead().
 * Throws PODMAP_ERR_PODLET_NAME (a TypeError) for a name Podium would not accept: names end up in pages and logs.
 */
export function createPodletClients(podlets: Record<string, string>, options: PodletClientOptions = {}): Map<string, PodletClient> {
  const clients = new Map<string, PodletClient>();
  for (const [name, manifestUrl] of Object.entries(podlets)) {
    assertPodletName(name);
    clients.set(name, createPodletClient({ name, manifestUrl, ...options }));
  }
  return clients;
}
