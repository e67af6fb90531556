/**
 * The names `@podmap/runtime/server` exported before the runtime was split into services. Kept
 * for compatibility; new code imports `@podmap/runtime/podlet`, `/layout` or `/cli`.
 */
export { createPodlet, type Podlet, type PodletOptions } from '../podlet/index.ts';
export { createLayout, type Layout, type LayoutOptions, type LayoutPage } from '../layout/index.ts';
export { createPodmapHead, type PodmapHeadOptions, type PageAssets } from '../layout/index.ts';
export { buildPageAssets } from '../layout/assets/build-page-assets.ts';
export { renderHead } from '../layout/render/render-head.ts';
export { renderModuleTags } from '../layout/render/render-module-tags.ts';
export { renderPodletSection } from '../layout/render/render-podlet-section.ts';
export { escapeHtml, serializeJsonForScript } from '../shared/html.ts';
export { PodmapError, errorCatalogue, type ErrorCode } from '../shared/errors.ts';
export { validatePodmapDocument, type PodmapDocument } from '../shared/validate-podmap-document.ts';
export { isMain, listenFromEnv } from '../shared/cli/index.ts';
