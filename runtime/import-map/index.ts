/** podmap's pure import-map logic: no I/O, so it is tested without a network. */
export { createImportMap, type ImportMap, type PodletNeeds, type SpecifierMap } from './import-map.ts';
export { resolveSpecifier, resolveWithEntry, type Resolution } from './resolve-specifier.ts';
export { planVersions, compatibilityLine, rangeForLine, type VersionNeed, type VersionPlan } from './plan-versions.ts';
export { composeImportMap, composeImportMapSteps, type ComposeInput, type CompositionIssue } from './compose-import-map.ts';
export { sortImportMap } from './sort-import-map.ts';
export {
  collectModuleGraph,
  collectModuleGraphSteps,
  createModuleGraphMemo,
  type ModuleGraph,
  type ModuleGraphMemo,
} from './collect-module-graph.ts';
export { trimImportMap, type MapEntryUse } from './trim-import-map.ts';
export { packageRootOf } from '../shared/cdn-protocol/cdn-urls.ts';
export { readGlobalMap, resolveGlobalPins, type GlobalMapReading, type GlobalPin } from './read-global-map.ts';
export { closeOverExposers, exposersByPackage, planPage, type PagePlan } from './plan-page.ts';
export { selectIntegrity } from './select-integrity.ts';
export { grantNamespaces, packageOfSpecifier, type GrantedPodlet, type NamespaceInput, type NamespaceRefusal } from './grant-namespaces.ts';
