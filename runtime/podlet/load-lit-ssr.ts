import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConfigError } from '../shared/errors.ts';

/** What a podlet uses of the lit team's @lit-labs/ssr, loaded from the podlet's own folder. */
export interface LitSsr {
  /** Renders a value (a lit TemplateResult) as a stream of HTML, with declarative shadow roots for its elements. */
  renderToStream(value: unknown): Readable;
  /**
   * The CSP hash-sources ("sha256-<base64>") of the `<style>` block that each element defined
   * so far renders in its shadow root, sorted.
   */
  styleHashes(): string[];
}

interface StyledClass {
  finalize?(): void;
  elementStyles?: Array<{ cssText?: string }>;
}

/** Every element class defined in this process since the DOM shim went in: one registry per process, like a page's. */
const definedClasses = new Set<StyledClass>();

/** The text lit-ssr writes between `<style>` and `</style>` for an element class; '' when it has none. */
export function styleTextOf(cls: StyledClass): string {
  cls.finalize?.();
  return (cls.elementStyles ?? []).map((s) => s.cssText ?? '').join('');
}

/** A CSP hash-source for the text of an inline `<style>` element. */
export function hashStyle(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/**
 * Loads @lit-labs/ssr as the podlet's folder resolves it (it must render the podlet's own lit,
 * so @podmap/runtime does not depend on it), installs its global DOM shim, then imports the
 * podlet's entry modules from `publicDir` once, so their custom elements are defined in Node.
 * Throws PODMAP_ERR_CONFIG_SSR_MISSING when the podlet has not installed it.
 */
export async function loadLitSsr(podletName: string, packageDir: string, publicDir: string, entries: readonly string[]): Promise<LitSsr> {
  const root = findLitSsr(podletName, packageDir);
  const load = (file: string) => import(pathToFileURL(path.join(root, file)).href) as Promise<Record<string, unknown>>;
  // The shim defines HTMLElement and customElements; lit's modules read them when they load.
  await load('lib/install-global-dom-shim.js');
  recordDefinitions();
  for (const entry of entries) await import(pathToFileURL(path.join(publicDir, entry)).href);
  const renderToStream = await loadStreamRenderer(root, load);
  return {
    renderToStream,
    styleHashes: () =>
      [
        ...new Set(
          [...definedClasses]
            .map(styleTextOf)
            .filter((t) => t !== '')
            .map(hashStyle),
        ),
      ].sort(),
  };
}

/**
 * How this major of @lit-labs/ssr renders a value as a stream of HTML: 3 and later (lit 3) have
 * `render` and RenderResultReadable, which waits on async values; 2.3, the last for lit 2, has a
 * synchronous generator of strings in `render-lit-html.js`.
 */
async function loadStreamRenderer(root: string, load: (file: string) => Promise<Record<string, unknown>>) {
  if (!existsSync(path.join(root, 'lib/render.js'))) {
    const { render } = (await load('lib/render-lit-html.js')) as { render(value: unknown): Iterable<string> };
    return (value: unknown): Readable => Readable.from(standardShadowRoots(render(value)));
  }
  const { render } = (await load('lib/render.js')) as { render(value: unknown): Iterable<unknown> };
  const { RenderResultReadable } = (await load('lib/render-result-readable.js')) as {
    RenderResultReadable: new (result: Iterable<unknown>) => Readable;
  };
  // Its _read is async and lets a throwing render reject with nobody listening; the error must
  // end the stream instead, where sendRenderedFragment sees it.
  class GuardedReadable extends RenderResultReadable {
    override _read(size: number): void {
      Promise.resolve((RenderResultReadable.prototype._read as (size: number) => unknown).call(this, size)).catch((error: unknown) =>
        this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    }
  }
  return (value: unknown): Readable => new GuardedReadable(render(value));
}

/**
 * @lit-labs/ssr 2 writes declarative shadow roots as `<template shadowroot="open">`, the
 * attribute of the draft that no engine attaches any more; the standard one is `shadowrootmode`.
 * It yields each template tag as one string, so the tag is renamed where it is yielded.
 */
function* standardShadowRoots(chunks: Iterable<string>): Iterable<string> {
  for (const chunk of chunks) yield chunk.startsWith('<template shadowroot="') ? chunk.replace('shadowroot=', 'shadowrootmode=') : chunk;
}

/** The folder of @lit-labs/ssr as seen from the podlet's package.json, or PODMAP_ERR_CONFIG_SSR_MISSING. */
function findLitSsr(podletName: string, packageDir: string): string {
  try {
    const manifest = createRequire(path.join(packageDir, 'package.json')).resolve('@lit-labs/ssr/package.json');
    const dir = path.dirname(manifest);
    if (['lib/render.js', 'lib/render-lit-html.js'].some((f) => existsSync(path.join(dir, f)))) return dir;
  } catch {
    // not installed: the coded error below says what to do
  }
  throw createConfigError(
    'PODMAP_ERR_CONFIG_SSR_MISSING',
    `podlet "${podletName}" renders on the server; run npm install @lit-labs/ssr in ${packageDir}`,
  );
}

/** Wraps the shim's customElements.define once per process, so the style hashes cover every element a render may emit. */
function recordDefinitions(): void {
  const registry = (globalThis as { customElements?: { define(name: string, cls: unknown, options?: unknown): void } }).customElements;
  if (!registry || (registry.define as { podmapRecorded?: boolean }).podmapRecorded) return;
  const define = registry.define.bind(registry);
  const recorded = (name: string, cls: unknown, options?: unknown) => {
    define(name, cls, options);
    definedClasses.add(cls as StyledClass);
  };
  recorded.podmapRecorded = true;
  registry.define = recorded;
}
