import type { IncomingMessage, ServerResponse } from 'node:http';
import { createConfigError, PodmapError } from '../shared/errors.ts';
import { loadLitSsr } from './load-lit-ssr.ts';
import { sendRenderedFragment } from './send-rendered-fragment.ts';

/**
 * Where a podlet's fragment is rendered (docs/render-modes.md): 'client' (its elements render
 * once its modules run), 'ssr-only' (rendered on the server into declarative shadow DOM; the page
 * loads none of its modules) or 'hydrate' (rendered on the server, and its modules load as well).
 */
export type RenderMode = 'client' | 'ssr-only' | 'hydrate';

/** How long a server render may run when the podlet names no `renderTimeoutMs`: 5 s. */
export const DEFAULT_RENDER_TIMEOUT_MS = 5000;

/** A lit TemplateResult, from the podlet's own lit: what `content` may return when the podlet renders on the server. */
export interface LitTemplate {
  readonly ['_$litType$']: unknown;
}

/** What starting a renderer needs of a podlet's options (PodletOptions). */
export interface RendererOptions {
  name: string;
  packageDir: string;
  entries: string[];
  render?: RenderMode;
  renderTimeoutMs?: number;
}

/** A podlet's server renderer: its declared style hashes and how it streams one template. */
export interface Renderer {
  styleHashes: string[];
  send(req: IncomingMessage, res: ServerResponse, template: LitTemplate, headers: Record<string, string>): Promise<void>;
}

/**
 * The podlet's server renderer, or null when it renders on the client (PODMAP_ERR_CONFIG_RENDER_MODE
 * for an unknown mode). Its element classes are defined in Node before the first request, so their
 * style hashes are known at start-up; a style block that was not declared is logged once per hash.
 */
export async function startRenderer(options: RendererOptions, publicDir: string): Promise<Renderer | null> {
  const render = options.render ?? 'client';
  if (!['client', 'ssr-only', 'hydrate'].includes(render)) {
    throw createConfigError('PODMAP_ERR_CONFIG_RENDER_MODE', `podlet "${options.name}": render ${JSON.stringify(render)}`);
  }
  if (render === 'client') return null;
  const ssr = await loadLitSsr(options.name, options.packageDir, publicDir, options.entries);
  const styleHashes = ssr.styleHashes();
  const declared = new Set(styleHashes);
  const warned = new Set<string>();
  const undeclared = (hash: string) => {
    if (warned.has(hash)) return;
    warned.add(hash);
    const error = new PodmapError('PODMAP_ERR_STYLE_UNDECLARED', `'${hash}' is not in podmap.json's styleHashes; a page's CSP blocks it`);
    console.warn(`podmap: podlet "${options.name}": ${error.code}: ${error.message}`);
  };
  const timeoutMs = options.renderTimeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  return {
    styleHashes,
    send: (req, res, template, headers) =>
      sendRenderedFragment(req, res, ssr.renderToStream(template), headers, { timeoutMs, declared, undeclared }),
  };
}
