/** podmap's dev server for one podlet (`podmap dev`), and the import map its preview page uses. */
export {
  startPodletDevServer,
  DEFAULT_DEV_HOST,
  DEFAULT_DEV_PORT,
  type PodletDevServer,
  type PodletDevServerOptions,
} from './start-podlet-dev-server.ts';
export { createDevImportMap, NODE_MODULES_PATH, type DevImportMap, type ImportMap } from './create-dev-import-map.ts';
export { describeOverride } from './describe-override.ts';
