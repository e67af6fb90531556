/** podmap's layout: pages composed from podlets with one generated import map. */
export { createLayout, type Layout } from './create-layout.ts';
export type { LayoutOptions } from './layout-options.ts';
export type { LayoutPage } from './layout-page.ts';
export { createPodmapHead, type PodmapHead, type PodmapHeadOptions } from './create-podmap-head.ts';
export type { CspOptions } from './content-security-policy.ts';
export type { PodletClient, ContentResult } from './create-podlet-client.ts';
export type { PodletState } from './podlet-state.ts';
export type { PageAssets, ShimLocation } from './page-assets.ts';
export type { HeadOptions } from './render-head.ts';
export type { ServiceWorkerOptions } from './service-worker/worker-config.ts';
export type { RequestContext } from './podlet-context.ts';
export { PodmapError, errorCatalogue, type ErrorCode } from '../shared/errors.ts';
