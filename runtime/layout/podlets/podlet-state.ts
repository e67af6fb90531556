import type { PodmapError } from '../../shared/errors.ts';
import type { PodmapDocument } from '../../shared/validate-podmap-document.ts';

/**
 * The parts of a Podium manifest the layout uses, with URLs made absolute: what fetchPodletState
 * reads and a PodletClient holds.
 */
export interface PodletState {
  version: string;
  contentUrl: string;
  fallbackUrl: string | null;
  js: Array<{ value: string; type?: string; crossorigin?: string; integrity?: string }>;
  css: Array<{ value: string; media?: string }>;
  /** podmap's additions, or null for a plain Podium podlet. */
  podmap: (PodmapDocument & { baseUrl: string }) | null;
  /** Set when podmap.json was refused as too large: the podlet cannot run, so pages serve its fallback. */
  podmapRefused?: PodmapError;
  fallbackHtml: string;
}
