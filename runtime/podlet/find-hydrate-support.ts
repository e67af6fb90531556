import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createConfigError } from '../shared/errors.ts';
import { findInstalledPackage } from '../shared/files/find-installed-package.ts';

/** lit's hydrate support for each major of lit that can hydrate what its server renderer writes. */
const SUPPORT_BY_MAJOR: Readonly<Record<string, string>> = {
  '3': '@lit-labs/ssr-client/lit-element-hydrate-support.js',
};

/**
 * Why lit 2 cannot hydrate: its last server renderer (@lit-labs/ssr 2.3) writes an element's
 * `lit-node` marker inside the element, where lit 2.8's hydration looks for it before the
 * element, so any element with a binding fails ("could not find node for attribute parts").
 */
const LIT_2 = "lit 2's server renderer and its hydration disagree on where bindings are marked; use 'ssr-only' or 'client'";

/**
 * The bare specifiers a page must evaluate, in order, before any of its modules, for this
 * podlet's elements to hydrate: its lit's hydrate support, then lit itself (podmap.json's
 * `hydrate`). The support installs a hook that LitElement reads once, when its module is
 * evaluated, so the layout evaluates each major's lit right after that major's support, before
 * any podlet module can load a LitElement under another major's hook (docs/render-modes.md).
 *
 * The podlet's modules must import the support themselves, so the map, the preloads and the
 * CDN's packages include it as they include any import: PODMAP_ERR_CONFIG_HYDRATE_SUPPORT when
 * none does, or when the podlet's lit is a major that cannot hydrate (lit 2, see LIT_2).
 */
export function findHydrateSupport(podletName: string, packageDir: string, modules: Readonly<Record<string, readonly string[]>>): string[] {
  const lit = findInstalledPackage('lit', packageDir);
  const version = lit ? (JSON.parse(readFileSync(path.join(lit, 'package.json'), 'utf8')) as { version?: string }).version : undefined;
  const support = SUPPORT_BY_MAJOR[String(version).split('.')[0]!];
  if (!support) {
    const why = String(version).startsWith('2.') ? `: ${LIT_2}` : '';
    throw createConfigError(
      'PODMAP_ERR_CONFIG_HYDRATE_SUPPORT',
      `podlet "${podletName}" hydrates with lit ${version ?? '(not installed)'}${why}`,
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
