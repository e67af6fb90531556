/** podmap's pure import-map logic: no I/O, so it is tested without a network. */
export { createImportMap, type ImportMap, type PodletNeeds, type SpecifierMap } from './import-map.ts';
export { resolveSpecifier } from './resolve-specifier.ts';
export { planVersions, compatibilityLine, rangeForLine, type VersionNeed, type VersionPlan } from './plan-versions.ts';
export { composeImportMap, packageRootOf, sortImportMap, type ComposeInput, type CompositionIssue } from './compose-import-map.ts';
export { collectModuleGraph } from './collect-module-graph.ts';
