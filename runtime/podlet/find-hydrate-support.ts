import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createConfigError } from '../shared/errors.ts';
import { findInstalledPackage } from '../shared/files/find-installed-package.ts';

/** lit's hydrate support for each major of lit: lit 2 ships its own, lit 3 moved it to @lit-labs/ssr-client. */
const SUPPORT_BY_MAJOR: Readonly<Record<string, string>> = {
  '2': 'lit/experimental-hydrate-support.js',
  '3': '@lit-labs/ssr-client/lit-element-hydrate-support.js',
};

/**
 * The bare specifiers a page must evaluate, in order, before any of its modules, for this
 * podlet's elements to hydrate: its lit's hydrate support, then lit itself (podmap.json's
 * `hydrate`). The support installs a hook that LitElement reads once, when its module is
 * evaluated, so the layout evaluates each major's lit right after that major's support, before
 * any podlet module can load a LitElement under another major's hook (docs/render-modes.md).
 *
 * The podlet's modules must import the support themselves, so the map, the preloads and the
 * CDN's packages include it as they include any import: PODMAP_ERR_CONFIG_HYDRATE_SUPPORT when
 * none does, or when the podlet's lit is a major without a known support.
 */
export function findHydrateSupport(podletName: string, packageDir: string, modules: Readonly<Record<string, readonly string[]>>): string[] {
  const lit = findInstalledPackage('lit', packageDir);
  const version = lit ? (JSON.parse(readFileSync(path.join(lit, 'package.json'), 'utf8')) as { version?: string }).version : undefined;
  const support = SUPPORT_BY_MAJOR[String(version).split('.')[0]!];
  if (!support) {
    throw createConfigError(
      'PODMAP_ERR_CONFIG_HYDRATE_SUPPORT',
      `podlet "${podletName}" hydrates with lit ${version ?? '(not installed)'}`,
    );
  }
  if (!Object.values(modules).some((specifiers) => specifiers.includes(support))) {
    throw createConfigError(
      'PODMAP_ERR_CONFIG_HYDRATE_SUPPORT',
      `podlet "${podletName}" hydrates with lit ${version}; add import '${support}' before lit in its entry module`,
    );
  }
  return [support, 'lit'];
}
