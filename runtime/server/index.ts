/** podmap's server side: podlets, layouts and the page document. */
export { createPodlet, type Podlet, type PodletOptions } from './podlet.ts';
export { createLayout, type Layout, type LayoutOptions, type LayoutPage } from './layout.ts';
export { buildPageAssets, type PageAssets } from './build-page-assets.ts';
export { renderHead, renderPodletSection } from './document.ts';
export { escapeHtml, serializeJsonForScript } from './html.ts';
export { PodmapError, errorCatalogue, type ErrorCode } from './errors.ts';
export { validatePodmapDocument, type PodmapDocument } from './podmap-document.ts';
export { isMain, listenFromEnv } from './run-main.ts';
export { createPodmapHead, type PodmapHeadOptions } from './podmap-head.ts';
export { renderModuleTags } from './document.ts';
