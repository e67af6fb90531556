/** podmap's layout: pages composed from podlets with one generated import map. */
export { createLayout, type Layout } from './create-layout.ts';
export type { LayoutOptions } from './layout-options.ts';
export type { LayoutPage } from './assets/layout-page.ts';
export { createPodmapHead, type PodmapHead, type PodmapHeadOptions } from './render/create-podmap-head.ts';
export type { CspOptions } from './render/content-security-policy.ts';
export type { PodletClient, ContentResult } from './podlets/create-podlet-client.ts';
export type { PodletState } from './podlets/podlet-state.ts';
export type { PageAssets, ShimLocation } from './assets/page-assets.ts';
export type { HeadOptions } from './render/render-head.ts';
export type { ServiceWorkerOptions } from './service-worker/worker-config.ts';
export type { RequestContext } from './podlets/podlet-context.ts';
export { PodmapError, errorCatalogue, type ErrorCode } from '../shared/errors.ts';
