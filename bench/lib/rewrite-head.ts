import { constants as zlib, createBrotliCompress } from 'node:zlib';
import type { RequestHandler } from './listen-tls.ts';

/**
 * Wraps a layout's handler so that the `<head>` of its pages passes through `rewrite` (with the page's path) before it
 * leaves. The head is held back only until `</head>` has been written, so the layout still
 * streams: the head goes out before any podlet's fragment, as it does unwrapped. Responses
 * whose path is not in `pages` pass through untouched.
 */
export function rewriteHead(handler: RequestHandler, pages: string[], rewrite: (head: string, path: string) => string): RequestHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!pages.includes(path)) return handler(req, res);
    // The layout compresses its HTML; text cannot be rewritten inside a brotli stream. So the
    // layout is asked for plain text, and this wrapper compresses what it rewrote the way the
    // layout does (brotli 5, flushed per write), so every variant's HTML costs the same bytes.
    const brotli = /\bbr\b/.test(String(req.headers['accept-encoding'] ?? ''))
      ? createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } })
      : null;
    delete req.headers['accept-encoding'];
    const rawWrite = res.write.bind(res) as (chunk: string | Buffer) => boolean;
    const rawEnd = res.end.bind(res) as (chunk?: string | Buffer) => typeof res;
    if (brotli) {
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
      res.writeHead = ((...args: unknown[]) => {
        res.setHeader('content-encoding', 'br');
        res.removeHeader('content-length');
        return writeHead(...args);
      }) as typeof res.writeHead;
      brotli.on('data', (chunk: Buffer) => rawWrite(chunk));
      brotli.on('end', () => rawEnd());
    }
    const write = (text: string) => {
      if (!brotli) return rawWrite(text);
      brotli.write(text);
      brotli.flush(zlib.BROTLI_OPERATION_FLUSH);
      return true;
    };
    const end = (text: string) => {
      if (brotli) brotli.end(text);
      else rawEnd(text);
      return res;
    };
    let held: string | null = '';
    const pass = (chunk: unknown): string => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      if (held === null) return text;
      held += text;
      const at = held.indexOf('</head>');
      if (at === -1) return '';
      const out = rewrite(held.slice(0, at), path) + held.slice(at);
      held = null;
      return out;
    };
    res.write = ((chunk: unknown) => {
      const out = pass(chunk);
      return out ? write(out) : true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown) => {
      const out = chunk === undefined || typeof chunk === 'function' ? pass('') : pass(chunk);
      return end((held ?? '') + out);
    }) as typeof res.end;
    handler(req, res);
  };
}

/** U: podmap's head without its `<link rel="modulepreload">` tags; everything else as shipped. */
export function stripModulePreloads(head: string): string {
  const out = head.replace(/<link\b[^>]*\brel="modulepreload"[^>]*>\n?/g, '');
  if (out === head) throw new Error('bench: the layout wrote no modulepreload links; has document.ts changed?');
  return out;
}

/**
 * B and S: podmap's head with the import map, the es-module-shims loader, the preloads and the
 * podlets' entry scripts replaced by the bundle's one entry script. Titles, stylesheets and the
 * body stay as the layout wrote them, and so does the CSP header: the bundle's tag gets the nonce.
 */
export function replaceModulesWithBundle(head: string, bundleUrl: string): string {
  // Under the layout's strict CSP ('strict-dynamic') a script runs only with the response's nonce.
  const nonce = /<script\b[^>]*\bnonce="([^"]+)"/.exec(head)?.[1];
  const out = head
    .replace(/<script\b[^>]*\btype="importmap"[^>]*>[\s\S]*?<\/script>\n?/g, '')
    .replace(/<script\b(?![^>]*\bsrc=)[^>]*>[\s\S]*?<\/script>\n?/g, '') // inline scripts: the shim loader
    .replace(/<link\b[^>]*\brel="modulepreload"[^>]*>\n?/g, '')
    .replace(/<script\b[^>]*\btype="module"[^>]*><\/script>\n?/g, '');
  if (/importmap|type="module"/.test(out))
    throw new Error('bench: the head still holds module tags after rewriting; has document.ts changed?');
  return `${out}<script type="module" src="${bundleUrl}"${nonce ? ` nonce="${nonce}"` : ''}></script>\n`;
}
