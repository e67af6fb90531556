/** podmap's podlet: a Podium-compatible podlet server whose modules the layout's import map resolves. */
export { createPodlet, type LitTemplate, type Podlet, type PodletOptions, type RenderMode } from './create-podlet.ts';
export type { PodmapDocument } from '../shared/validate-podmap-document.ts';
export { escapeHtml } from '../shared/html.ts';
export { PodmapError, errorCatalogue, type ErrorCode } from '../shared/errors.ts';
