import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { PodmapError } from '../shared/errors.ts';
import { hashStyle } from './load-lit-ssr.ts';

/** How a server render is streamed and checked. */
export interface RenderedFragmentOptions {
  /** The render is cut after this long (PODMAP_ERR_RENDER_TIMEOUT). */
  timeoutMs: number;
  /** The hash-sources podmap.json declares for the podlet's `<style>` blocks. */
  declared: ReadonlySet<string>;
  /** Called once per `<style>` block the render emits whose hash is not declared. */
  undeclared(hash: string): void;
}

/** Past this, a `<style>` block still open is no longer held to check its hash: memory stays bounded. */
const MAX_STYLE_CHARS = 1 << 20;

/**
 * Streams a server render into the response as it is produced, 200 once its first chunk is
 * ready. A render that throws or runs past `timeoutMs` rejects with PODMAP_ERR_RENDER_FAILED or
 * PODMAP_ERR_RENDER_TIMEOUT: before the first chunk the caller can still answer 5xx; after it,
 * sendError cuts the connection, and either way the layout, which reads a fragment whole before
 * placing it, serves the podlet's fallback instead of half a fragment.
 */
export async function sendRenderedFragment(
  req: IncomingMessage,
  res: ServerResponse,
  stream: Readable,
  headers: Record<string, string | number>,
  options: RenderedFragmentOptions,
): Promise<void> {
  const timer = setTimeout(
    () => stream.destroy(new PodmapError('PODMAP_ERR_RENDER_TIMEOUT', `the render ran past ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const scan = createStyleScanner((text) => {
    const hash = hashStyle(text);
    if (!options.declared.has(hash)) options.undeclared(hash);
  });
  // A reader that went away needs no more of the render.
  res.once('close', () => stream.destroy());
  try {
    for await (const chunk of stream) {
      const text = String(chunk);
      scan(text);
      if (!res.headersSent) res.writeHead(200, headers);
      if (req.method === 'HEAD') break;
      if (!res.write(text)) await once(res, 'drain');
    }
  } catch (error) {
    throw error instanceof PodmapError ? error : new PodmapError('PODMAP_ERR_RENDER_FAILED', String(error).slice(0, 500));
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
  if (!res.headersSent) res.writeHead(200, headers);
  res.end();
}

/** Finds the `<style>` blocks in a stream of HTML chunks, a block split across chunks included, and hands each one's text to `found`. */
export function createStyleScanner(found: (text: string) => void): (chunk: string) => void {
  let carry = '';
  return (chunk) => {
    const text = carry + chunk;
    let end = 0;
    for (const match of text.matchAll(/<style>([\s\S]*?)<\/style>/g)) {
      found(match[1]!);
      end = match.index + match[0].length;
    }
    const rest = text.slice(end);
    const open = rest.lastIndexOf('<style>');
    // Kept: an open block, or the last few characters, where "<style>" may be cut in two.
    carry = open >= 0 ? rest.slice(open) : rest.slice(-6);
    if (carry.length > MAX_STYLE_CHARS) carry = '';
  };
}
