import { createConfigError } from '../shared/errors.ts';
import type { PodmapDocument } from '../shared/validate-podmap-document.ts';
import { packageNameOf } from '../shared/package-name-of.ts';
import { isBareSpecifier, scanModules } from './scan-modules.ts';

/** The parts of a podlet's package.json that podmap reads. */
export interface PodletPackage {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

/**
 * The podlet's podmap.json: its package, where its modules are served from (`base`), what they
 * import, what it exposes. Needs are derived from the bare specifiers the compiled modules in
 * `publicDir` import statically, with ranges from package.json; `importedNames` says which
 * export names each bare specifier is imported for (docs/shaken-builds.md). Dynamic imports are
 * listed apart (`dynamicImports`) and make no need: a guarded `import()` of a package nobody
 * provides must not keep the podlet off a page. Throws PODMAP_ERR_CONFIG_ENTRY_MISSING when
 * an entry was not compiled, and PODMAP_ERR_CONFIG_UNDECLARED_IMPORT for an import of a package
 * the podlet does not depend on: better at start-up than in a user's browser.
 */
export async function describePodlet(input: {
  podletName: string;
  pkg: PodletPackage;
  publicDir: string;
  entries: readonly string[];
  exposes: Record<string, string>;
  base: string;
}): Promise<PodmapDocument> {
  const { pkg, podletName } = input;
  const { modules, dynamicImports, importedNames } = await scanModules(input.publicDir);
  const missing = input.entries.filter((e) => !Object.hasOwn(modules, e));
  if (missing.length > 0) {
    throw createConfigError('PODMAP_ERR_CONFIG_ENTRY_MISSING', `podlet "${podletName}": ${missing.join(', ')} in ${input.publicDir}`);
  }
  const needs: Record<string, string> = {};
  for (const [file, specifiers] of Object.entries(modules)) {
    for (const specifier of specifiers.filter(isBareSpecifier)) {
      const name = packageNameOf(specifier);
      const range = pkg.dependencies && Object.hasOwn(pkg.dependencies, name) ? pkg.dependencies[name] : undefined;
      if (!range) {
        throw createConfigError(
          'PODMAP_ERR_CONFIG_UNDECLARED_IMPORT',
          `${file} in podlet "${podletName}" imports "${specifier}", but ${name} is not in its package.json dependencies`,
        );
      }
      needs[name] = range;
    }
  }
  return {
    podmap: 1,
    package: { name: pkg.name, version: pkg.version },
    base: input.base,
    needs,
    exposes: input.exposes,
    modules,
    importedNames,
    ...(Object.keys(dynamicImports).length > 0 ? { dynamicImports } : {}),
  };
}
