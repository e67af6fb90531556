/** podmap's podlet: a Podium-compatible podlet server whose modules the layout's import map resolves. */
export { createPodlet, type Podlet, type PodletOptions } from './create-podlet.ts';
export type { PodmapDocument } from '../shared/validate-podmap-document.ts';
export { escapeHtml } from '../shared/html.ts';
export { PodmapError, errorCatalogue, type ErrorCode } from '../shared/errors.ts';
