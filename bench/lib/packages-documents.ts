import { request } from 'node:https';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';

/** The import map's JSON in a page, as the layout writes it inline. */
export const importMapPattern = /<script\b[^>]*\btype="importmap"[^>]*>([\s\S]*?)<\/script>/;

/** A page's HTML as served (brotli asked for), and what of it is import map and preloads. */
export interface DocumentFigures {
  /** The body as served with brotli, and decompressed. */
  htmlBrBytes: number;
  htmlRawBytes: number;
  /** The import map's JSON; alone with the layout's brotli settings (quality 5, 64 KB window, text). */
  mapRawBytes: number;
  mapBrBytes: number;
  /** The `<link rel="modulepreload">` tags, raw, and how many. */
  preloadRawBytes: number;
  preloads: number;
  moduleScripts: number;
}

/** GETs a page with brotli asked for (it must answer 200, br) and measures its HTML, import map and preloads. */
export async function fetchDocument(url: string): Promise<{ html: string; moduleScripts: string[]; figures: DocumentFigures }> {
  const br = await new Promise<Buffer>((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': 'br' }, rejectUnauthorized: false, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`bench: ${url} answered ${res.statusCode}`));
      if (res.headers['content-encoding'] !== 'br') reject(new Error(`bench: ${url} is not brotli (${res.headers['content-encoding']})`));
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  const html = brotliDecompressSync(br).toString('utf8');
  const map = importMapPattern.exec(html)?.[1] ?? '';
  const preloadTags = html.match(/<link\b[^>]*\brel="modulepreload"[^>]*>/g) ?? [];
  const moduleScripts = [...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  const mapBr = brotliCompressSync(map, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_LGWIN]: 16, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT },
  });
  return {
    html,
    moduleScripts,
    figures: {
      htmlBrBytes: br.length,
      htmlRawBytes: Buffer.byteLength(html),
      mapRawBytes: Buffer.byteLength(map),
      mapBrBytes: map ? mapBr.length : 0,
      preloadRawBytes: preloadTags.reduce((sum, t) => sum + Buffer.byteLength(t) + 1, 0),
      preloads: preloadTags.length,
      moduleScripts: moduleScripts.length,
    },
  };
}
